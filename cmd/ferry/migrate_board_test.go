package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/migrate"
)

// TestBoard draws the terminal display on a buffer: its last drawing
// has the overall bar with the failures counted (of projects: the
// group's step is not one), a line per project still moving with its
// step, and a line for each item that ended, the group's named so.
func TestBoard(t *testing.T) {
	var buf bytes.Buffer
	b := newBoard(&buf, 3, true)
	ev := b.events()
	g := migrate.GroupArchiveItem("g", "")
	ev.Step(g, "export")
	ev.Bytes(g, "download", 10, 20)
	ev.Done(migrate.Result{Item: g, Outcome: "migrated"}, 1, 1)
	a, i, c := migrate.NewItem("g/a", "", ""), migrate.NewItem("g/i", "", ""), migrate.NewItem("g/c", "", "")
	ev.Step(a, "export")
	ev.State(a, "finished", nil, -1)
	ev.Bytes(a, "download", 512, 2048)
	ev.Step(i, "import")
	ev.State(i, "started", nil, 42)
	ev.Step(c, "export")
	ev.Done(migrate.Result{Item: c, Outcome: "failed", Step: "export", Error: "boom"}, 1, 3)
	b.end()
	out := buf.String()
	if !strings.Contains(out, "g/c: failed (export)\n") || !strings.Contains(out, "group g: migrated\n") {
		t.Errorf("no line says how g/c ended:\n%q", out)
	}
	last := out[strings.LastIndex(out, "\x1b[J")+1:] // the last drawing
	for _, want := range []string{
		"migrate: 1 of 3 projects done, 1 failed",
		"  g/a: downloading 512 B of 2.0 KiB (25%)",
		"  g/i: importing: started, 42 records",
	} {
		if !strings.Contains(last, want) {
			t.Errorf("the last drawing lacks %q:\n%q", want, out)
		}
	}
	if strings.Contains(last, "g/c: exporting") || strings.Contains(last, "group g: downloading") {
		t.Errorf("the line of g/c, which ended, stays:\n%q", out)
	}
}

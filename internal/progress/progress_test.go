package progress

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry"
)

// fakeClock is moved by the test; nothing waits.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestStepsSaveAtOnceBytesAtMostEverySecond(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	var saved []ferry.Progress
	r := &Recorder{Now: clock.now, Save: func(_ context.Context, p *ferry.Progress) error {
		saved = append(saved, *p)
		return nil
	}}
	r.Step(ctx, "extracting", "", 0, 0, 1000)
	if len(saved) != 1 || saved[0].Step != "extracting" || saved[0].TotalBytes != 1000 {
		t.Fatalf("a step is saved at once: %+v", saved)
	}
	rd := r.Reader(ctx, strings.NewReader(strings.Repeat("x", 1000)))
	buf := make([]byte, 100)
	for i := 0; i < 5; i++ { // the same instant: counted, not saved
		if _, err := rd.Read(buf); err != nil {
			t.Fatal(err)
		}
	}
	if len(saved) != 1 || r.Current().DoneBytes != 500 {
		t.Fatalf("reads within a second are not saved: %d saves, %d bytes", len(saved), r.Current().DoneBytes)
	}
	clock.t = clock.t.Add(time.Second)
	if _, err := rd.Read(buf); err != nil {
		t.Fatal(err)
	}
	if len(saved) != 2 || saved[1].DoneBytes != 600 || !saved[1].UpdatedAt.Equal(clock.t) {
		t.Fatalf("a read a second later is saved: %+v", saved)
	}
	if _, err := io.Copy(io.Discard, rd); err != nil {
		t.Fatal(err)
	}
	r.Flush(ctx)
	if last := saved[len(saved)-1]; last.DoneBytes != 1000 || len(saved) != 3 {
		t.Fatalf("flush saves the rest: %+v", saved)
	}
	var out bytes.Buffer
	r.Step(ctx, "relations", "issues", 2, 7, 0)
	if _, err := r.Writer(ctx, &out).Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	r.Flush(ctx)
	last := saved[len(saved)-1]
	if last.Step != "relations" || last.Item != "issues" || last.ItemIndex != 2 || last.ItemCount != 7 ||
		last.DoneBytes != 3 || out.String() != "abc" {
		t.Fatalf("a new step counts from zero: %+v", last)
	}
}

func TestNilRecorderRecordsNothing(t *testing.T) {
	var r *Recorder
	ctx := context.Background()
	r.Step(ctx, "x", "", 0, 0, 0)
	r.Add(ctx, 5)
	r.Flush(ctx)
	if r.Current().Step != "" {
		t.Fatal("nil recorder has no progress")
	}
}

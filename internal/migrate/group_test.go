package migrate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/remote"
)

// TestCountGroupRecords pins how a group archive's records are counted:
// the groups of tree/groups/_all.ndjson and each relation's records
// over all the groups (blank lines not counted, a last line without its
// newline counted); the legacy group.json gives no counts, and a
// project archive is refused.
func TestCountGroupRecords(t *testing.T) {
	t.Parallel()
	pack := func(files map[string]string) string {
		var buf bytes.Buffer
		if err := archive.Pack(&buf, files); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "g.tar.gz")
		os.WriteFile(file, buf.Bytes(), 0o600)
		return file
	}
	dir := t.TempDir()
	file := pack(map[string]string{"VERSION": "0.2.4", "tree/groups/_all.ndjson": "1\n2\n3\n",
		"tree/groups/1.json": "{}", "tree/groups/2.json": "{}", "tree/groups/3.json": "{}",
		"tree/groups/1/labels.ndjson": "{\"title\":\"a\"}\n\n{\"title\":\"b\"}\n",
		"tree/groups/3/labels.ndjson": "  \n{\"title\":\"c\"}", "tree/groups/2/milestones.ndjson": "{}\n",
		"tree/groups/1/boards.ndjson": "{\"name\":\"x\",\"lists\":[]}\n"})
	counts, err := countGroupRecords(context.Background(), file, dir)
	want := map[string]int64{"groups": 3, "labels": 3, "milestones": 1, "boards": 1}
	if err != nil || len(counts) != len(want) {
		t.Fatalf("counts %v, %v; want %v", counts, err, want)
	}
	for rel, n := range want {
		if counts[rel] != n {
			t.Errorf("%s: %d, want %d", rel, counts[rel], n)
		}
	}
	if counts, err := countGroupRecords(context.Background(), pack(map[string]string{"VERSION": "0.2.4",
		"group.json": "{}"}), dir); err != nil || len(counts) != 0 {
		t.Errorf("legacy: %v, %v", counts, err)
	}
	if _, err := countGroupRecords(context.Background(), pack(map[string]string{"VERSION": "0.2.4",
		"tree/project.json": "{}"}), dir); !errors.Is(err, ErrNotGroupArchive) {
		t.Errorf("project archive: %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("left in the folder: %v", left)
	}
}

// TestVerifyGroup pins that the relations the target counts are
// compared with the archive's, and that uncounted archives are not.
func TestVerifyGroup(t *testing.T) {
	t.Parallel()
	archive := map[string]int64{"groups": 2, "labels": 3, "boards": 1}
	if d := verifyGroup(archive, map[string]int64{"groups": 2, "labels": 3}); len(d) != 0 {
		t.Errorf("same counts: %q", d)
	}
	want := []string{"groups: 2 records in the archive, 1 on the target", "members: 0 records in the archive, 1 on the target"}
	if d := verifyGroup(archive, map[string]int64{"groups": 1, "labels": 3, "members": 1}); !slices.Equal(d, want) {
		t.Errorf("got %q, want %q", d, want)
	}
	if d := verifyGroup(map[string]int64{}, map[string]int64{"groups": 1}); len(d) != 0 {
		t.Errorf("uncounted archive: %q", d)
	}
}

// server is an HTTP server answering each "METHOD /escaped/path" (of the
// API) with its status and body, and 404 for anything else; it counts
// the calls.
func server(t *testing.T, routes map[string][2]string) (*remote.Client, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		a, ok := routes[r.Method+" "+strings.TrimPrefix(r.URL.EscapedPath(), "/api/v4")]
		if !ok {
			a = [2]string{"404", `{"message":"404 Not Found"}`}
		}
		code, _ := strconv.Atoi(a[0])
		w.WriteHeader(code)
		io.WriteString(w, a[1])
	}))
	t.Cleanup(srv.Close)
	c, err := remote.New(srv.URL, "tok", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	c.Poll, c.MaxPoll, c.Backoff = time.Millisecond, time.Millisecond, time.Millisecond
	return c, &calls
}

// TestMigrator_GroupFirst pins the order of a run with a group: the
// group's step goes first, and when it fails no project is started
// (they would have no group to go to); a group already at the target
// path is refused before anything is exported, and so is a missing
// parent group without CreateGroups.
func TestMigrator_GroupFirst(t *testing.T) {
	t.Parallel()
	source := map[string][2]string{"GET /groups/grp": {"200", `{"id":1,"name":"Group"}`},
		"POST /groups/grp/export": {"403", `{"message":"403 Forbidden"}`}}
	for _, tt := range []struct {
		name        string
		to          string // the target namespace
		from, dst   map[string][2]string
		step, error string
	}{
		{"ExportRefused", "new", source, nil, "export", "POST /groups/grp/export: 403 Forbidden"},
		{"TargetTaken", "new", nil, map[string][2]string{"GET /groups/new": {"200", `{"id":9}`}},
			"namespace", "group new exists already"},
		{"ParentMissing", "parent/new", source, nil, "namespace", "the parent group must exist: create it, or give --create-groups"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			items := []Item{GroupArchiveItem("grp", tt.to), GroupItem("grp/p", "grp", tt.to)}
			from, fromCalls := server(t, tt.from)
			to, _ := server(t, tt.dst)
			var done []string
			m := &Migrator{From: from, To: to, Dir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Events: Events{Done: func(r Result, n, total int) { done = append(done, fmt.Sprint(r.Kind, n, total)) }}}
			results, err := m.Run(context.Background(), items)
			if err != nil || len(results) != 1 || results[0].Kind != KindGroup || results[0].Outcome != "failed" ||
				results[0].Step != tt.step || !strings.Contains(results[0].Error, tt.error) {
				t.Fatalf("results %+v, %v", results, err)
			}
			if !slices.Equal(done, []string{"group1 1"}) {
				t.Errorf("done events %q", done)
			}
			if tt.name == "TargetTaken" && fromCalls.Load() != 0 {
				t.Errorf("the source was called %d times", fromCalls.Load())
			}
		})
	}
}

// TestMigrator_GroupResumed pins the state file's group step: a group
// whose import was accepted when the run stopped is waited for (through
// the target's status), not imported again, and a group that migrated is
// skipped in the next run.
func TestMigrator_GroupResumed(t *testing.T) {
	t.Parallel()
	to, _ := server(t, map[string][2]string{"GET /ferry/groups/7/import": {"200", `{"import_status":"finished","stats":{"groups":2}}`}})
	from, fromCalls := server(t, nil)
	it := GroupArchiveItem("grp", "new")
	stateFile := filepath.Join(t.TempDir(), "state.json")
	st, _ := loadState(stateFile)
	st.set(Result{Item: it, Outcome: "importing", GroupID: 7, Counts: map[string]int64{"groups": 2}})
	m := &Migrator{From: from, To: to, Dir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), State: stateFile}
	for run, earlier := range []bool{false, true} {
		results, err := m.Run(context.Background(), []Item{it})
		if err != nil || len(results) != 1 || results[0].Outcome != "migrated" || results[0].GroupID != 7 || results[0].Earlier != earlier {
			t.Fatalf("run %d: %+v, %v", run, results, err)
		}
	}
	if fromCalls.Load() != 0 {
		t.Errorf("the source was called %d times: the group was exported again", fromCalls.Load())
	}
}

package generate

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferryhq/ferry/internal/archive"
)

// TestWrite_ReadableArchive generates a tiny archive and reads it back
// with the archive codec: the version, every relation line, the bundles.
func TestWrite_ReadableArchive(t *testing.T) {
	t.Parallel()
	sc := Scale{Name: "tiny", Issues: 60, MergeRequests: 20, NotesPer: 2, DiffFilesPer: 2, DiffLines: 5, Pipelines: 5,
		BuildsPer: 2, Labels: 5, Milestones: 3, Commits: 300, RepoBytes: 256 << 10}
	var a, b bytes.Buffer
	if err := Write(context.Background(), &a, sc, 7, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), &b, sc, 7, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	dir, dirB := t.TempDir(), t.TempDir()
	if _, err := archive.Extract(context.Background(), &b, dirB, archive.Limits{}); err != nil {
		t.Fatal(err)
	}
	m, err := archive.Extract(context.Background(), &a, dir, archive.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := archive.CheckVersion(dir); err != nil || !m.HasBundle || !m.HasWikiBundle || !m.HasLFSIndex {
		t.Fatalf("version %v, bundle %v wiki %v lfs %v", err, m.HasBundle, m.HasWikiBundle, m.HasLFSIndex)
	}
	want := map[string]int{"issues": 60, "merge_requests": 20, "ci_pipelines": 5, "labels": 5, "milestones": 3, "project_members": 20}
	for rel, n := range want {
		r, err := archive.OpenRelation(dir, rel)
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for {
			if _, _, err := r.Next(); err != nil {
				break
			}
			got++
		}
		r.Close()
		if got != n {
			t.Errorf("%s: %d records, want %d", rel, got, n)
		}
	}
	uploads, _ := filepath.Glob(filepath.Join(dir, "uploads", "*", "*.png"))
	if len(uploads) != 2 {
		t.Errorf("%d uploads, want 2", len(uploads))
	}
	if info, err := os.Stat(filepath.Join(dir, archive.BundleFile)); err != nil || info.Size() < 256<<10 {
		t.Errorf("bundle %v %v", info, err)
	}
	issuesA, _ := os.ReadFile(filepath.Join(dir, archive.RelationDir, "issues.ndjson"))
	issuesB, _ := os.ReadFile(filepath.Join(dirB, archive.RelationDir, "issues.ndjson"))
	if !bytes.Equal(issuesA, issuesB) {
		t.Error("the same seed gave different records")
	}
}

// TestWriteCounts_Spread pins a spread scale's archive: the counts
// returned are the records written, per-item counts vary around their
// means (some items have none, some many), and the same seed gives the
// same counts.
func TestWriteCounts_Spread(t *testing.T) {
	t.Parallel()
	sc := Scale{Name: "tiny", Issues: 200, MergeRequests: 200, NotesPer: 4, MRNotesPer: 8, DiffFilesPer: 8, DiffLines: 5,
		CommitsPer: 4, Pipelines: 50, BuildsPer: 8, Labels: 5, Milestones: 3, Commits: 50, RepoBytes: 64 << 10, Spread: true}
	var a bytes.Buffer
	counts, err := WriteCounts(context.Background(), &a, sc, 3, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	again, err := WriteCounts(context.Background(), io.Discard, sc, 3, t.TempDir())
	if err != nil || again.String() != counts.String() {
		t.Fatalf("same seed: %v, %v; want %v", again, err, counts)
	}
	dir := t.TempDir()
	if _, err := archive.Extract(context.Background(), &a, dir, archive.Limits{}); err != nil {
		t.Fatal(err)
	}
	got := Counts{}
	perMR := map[int]bool{}
	for _, rel := range []string{"issues", "merge_requests", "ci_pipelines"} {
		r, err := archive.OpenRelation(dir, rel)
		if err != nil {
			t.Fatal(err)
		}
		for {
			_, line, err := r.Next()
			if err != nil {
				break
			}
			var rec struct {
				Notes []struct {
					Events     []any `json:"events"`
					AwardEmoji []any `json:"award_emoji"`
				} `json:"notes"`
				Diff struct {
					Files []any `json:"merge_request_diff_files"`
				} `json:"merge_request_diff"`
				Stages []struct {
					Builds []any `json:"builds"`
				} `json:"stages"`
			}
			if err := json.Unmarshal(line, &rec); err != nil {
				t.Fatal(err)
			}
			got[rel]++
			got["notes"] += int64(len(rec.Notes))
			for _, n := range rec.Notes {
				got["note events"] += int64(len(n.Events))
			}
			got["merge_request_diff_files"] += int64(len(rec.Diff.Files))
			if rel == "merge_requests" {
				perMR[len(rec.Diff.Files)] = true
			}
			for _, s := range rec.Stages {
				got["builds"] += int64(len(s.Builds))
			}
		}
		r.Close()
	}
	for _, kind := range []string{"issues", "merge_requests", "ci_pipelines", "notes", "merge_request_diff_files", "builds"} {
		if got[kind] != counts[kind] {
			t.Errorf("%s: %d in the archive, %d counted", kind, got[kind], counts[kind])
		}
	}
	if got["note events"] == 0 || got["note events"] >= got["notes"] {
		t.Errorf("%d note events for %d notes: want comments with events and system notes without", got["note events"], got["notes"])
	}
	if len(perMR) < 8 {
		t.Errorf("diff files per merge request take %d values, want a spread", len(perMR))
	}
}

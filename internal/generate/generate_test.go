package generate

import (
	"bytes"
	"context"
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

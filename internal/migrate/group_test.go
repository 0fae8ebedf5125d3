package migrate

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ferryhq/ferry/internal/archive"
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

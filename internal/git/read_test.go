package git

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// readRepo is a repository with README.md and LICENSE committed on main
// (in that order) by a signer in UTC+02:00.
func readRepo(t *testing.T) (dir string, first, second string) {
	t.Helper()
	dir = newRepo(t, "main")
	sig := Signature{Name: "Ada", Email: "ada@example.com", When: time.Unix(1700000000, 0).In(time.FixedZone("", 7200))}
	first, err := CommitFile(t.Context(), dir, "main", "README.md", []byte("# hi\n"), sig, "Add README\n\nBody.")
	if err != nil {
		t.Fatal(err)
	}
	second, err = CommitFile(t.Context(), dir, "main", "LICENSE", []byte("MIT\n"), sig, "Add LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	return dir, first, second
}

func TestResolveCommit(t *testing.T) {
	t.Parallel()
	dir, first, second := readRepo(t)
	tests := []struct {
		ref, want string
		wantErr   error
	}{
		{"main", second, nil},
		{first[:10], first, nil},
		{"main~1", first, nil},
		{"nope", "", ErrNoRef},
		{"", "", ErrNoRef},
		{"--all", "", ErrNoRef},
		{"main\nmain", "", ErrNoRef},
	}
	for _, tt := range tests {
		got, err := ResolveCommit(t.Context(), dir, tt.ref)
		if got != tt.want || !errors.Is(err, tt.wantErr) && (tt.wantErr != nil || err != nil) {
			t.Errorf("ResolveCommit(%q) = %q, %v; want %q, %v", tt.ref, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestLogAndCommits(t *testing.T) {
	t.Parallel()
	dir, first, second := readRepo(t)
	all, err := Log(t.Context(), dir, LogOptions{Revs: []string{second}})
	if err != nil || len(all) != 2 || all[0].ID != second || all[1].ID != first {
		t.Fatalf("Log = %+v, %v", all, err)
	}
	c := all[1]
	if c.Title != "Add README" || c.Message != "Add README\n\nBody." /* as commit-tree -F stored it */ || c.AuthorName != "Ada" ||
		c.AuthoredDate.Format(time.RFC3339) != "2023-11-15T00:13:20+02:00" || len(c.ParentIDs) != 0 {
		t.Errorf("first commit %+v", c)
	}
	byPath, err := Log(t.Context(), dir, LogOptions{Revs: []string{second}, Path: "LICENSE"})
	if err != nil || len(byPath) != 1 || byPath[0].ID != second {
		t.Errorf("Log(path LICENSE) = %+v, %v", byPath, err)
	}
	if none, err := Log(t.Context(), dir, LogOptions{Revs: []string{second}, Author: "Bob"}); len(none) != 0 || err != nil {
		t.Errorf("Log(author Bob) = %+v, %v", none, err)
	}
	got, err := Commits(t.Context(), dir, first, second)
	if err != nil || len(got) != 2 || got[0].ID != first || got[1].ID != second {
		t.Errorf("Commits kept order? %+v, %v", got, err)
	}
	if add, del, err := Stats(t.Context(), dir, first); add != 1 || del != 0 || err != nil {
		t.Errorf("Stats(root) = %d, %d, %v", add, del, err)
	}
}

func TestTreeAndBlobs(t *testing.T) {
	t.Parallel()
	dir, _, second := readRepo(t)
	entries, err := Tree(t.Context(), dir, second, "", false)
	if err != nil || len(entries) != 2 || entries[0].Path != "LICENSE" || entries[0].Type != "blob" {
		t.Fatalf("Tree = %+v, %v", entries, err)
	}
	if _, err := Tree(t.Context(), dir, second, "nope", false); !errors.Is(err, ErrNoRef) {
		t.Errorf("Tree(nope) err = %v, want ErrNoRef", err)
	}
	b, err := BlobAt(t.Context(), dir, second, "README.md")
	if err != nil || b.Size != 5 || b.Mode != "100644" {
		t.Fatalf("BlobAt = %+v, %v", b, err)
	}
	for _, name := range []string{"nope", "README", ":(glob)*", ""} {
		if _, err := BlobAt(t.Context(), dir, second, name); !errors.Is(err, ErrNoRef) {
			t.Errorf("BlobAt(%q) err = %v, want ErrNoRef", name, err)
		}
	}
	var buf bytes.Buffer
	if err := StreamBlob(t.Context(), dir, b.ID, &buf); err != nil || buf.String() != "# hi\n" {
		t.Errorf("StreamBlob = %q, %v", buf.String(), err)
	}
	for _, sha := range []string{"zz", "--batch", second} {
		if _, err := BlobSize(t.Context(), dir, sha); !errors.Is(err, ErrNoRef) {
			t.Errorf("BlobSize(%q) err = %v, want ErrNoRef", sha, err)
		}
	}
}

func TestMergedInto(t *testing.T) {
	t.Parallel()
	dir, first, second := readRepo(t)
	gitOut(t, dir, "update-ref", "refs/heads/old", first)
	gitOut(t, dir, "update-ref", "refs/heads/same", second)
	merged, err := MergedInto(t.Context(), dir, "main")
	if err != nil || !merged["old"] || merged["same"] || merged["main"] || len(merged) != 1 {
		t.Errorf("MergedInto(main) = %v, %v; want only old", merged, err)
	}
	if merged, err := MergedInto(t.Context(), dir, "nope"); err != nil || len(merged) != 0 {
		t.Errorf("MergedInto(nope) = %v, %v", merged, err)
	}
}

func TestTagRefs(t *testing.T) {
	t.Parallel()
	dir, first, second := readRepo(t)
	blob := gitOut(t, dir, "rev-parse", second+":LICENSE")
	gitOut(t, dir, "update-ref", "refs/tags/light", first)
	gitOut(t, dir, "update-ref", "refs/tags/of-blob", blob)
	tags, err := TagRefs(t.Context(), dir, "refname")
	if err != nil || len(tags) != 2 {
		t.Fatalf("TagRefs = %+v, %v", tags, err)
	}
	if got := tags[0]; got.Name != "light" || got.Commit != first || got.Target != first {
		t.Errorf("light = %+v", got)
	}
	if got := tags[1]; got.Name != "of-blob" || got.Commit != "" || got.Target != blob {
		t.Errorf("of-blob = %+v", got)
	}
}

func TestCountersOfCommits(t *testing.T) {
	t.Parallel()
	dir, first, second := readRepo(t)
	for sha, want := range map[string]int{first: 1, second: 2} {
		if n, err := CountCommits(t.Context(), dir, sha, false); n != want || err != nil {
			t.Errorf("CountCommits(%s) = %d, %v; want %d", sha, n, err, want)
		}
	}
	got, err := Contributors(t.Context(), dir, second)
	if err != nil || len(got) != 1 || got[0] != (Contributor{Name: "Ada", Email: "ada@example.com", Commits: 2}) {
		t.Errorf("Contributors = %+v, %v", got, err)
	}
}

func TestBlame(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, "main")
	sig := Signature{Name: "Ada", Email: "ada@example.com"}
	first, err := CommitFile(t.Context(), dir, "main", "f.txt", []byte("a\nb\nc\n"), sig, "one")
	if err != nil {
		t.Fatal(err)
	}
	second, err := CommitFile(t.Context(), dir, "main", "f.txt", []byte("a\nB\nc\n"), sig, "two")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Blame(t.Context(), dir, second, "f.txt", 0, 0)
	if err != nil || len(got) != 3 || got[0].Commit != first || got[1].Commit != second || got[1].Lines[0] != "B" ||
		got[2].Commit != first {
		t.Fatalf("Blame = %+v, %v", got, err)
	}
	if got, err := Blame(t.Context(), dir, second, "f.txt", 2, 3); err != nil || len(got) != 2 || got[0].Lines[0] != "B" {
		t.Errorf("Blame(2,3) = %+v, %v", got, err)
	}
}

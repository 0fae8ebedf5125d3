package repos

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ferryhq/ferry/internal/git"
)

func TestStore_EnsureWikiConcurrently(t *testing.T) {
	t.Parallel()
	s := &Store{Root: filepath.Join(t.TempDir(), "repositories")}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			dir, err := s.EnsureWiki(t.Context(), 7)
			if err == nil && dir != s.WikiDir(7) {
				t.Errorf("EnsureWiki = %s, want %s", dir, s.WikiDir(7))
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if has, err := git.HasCommits(t.Context(), s.WikiDir(7)); err != nil || has {
		t.Errorf("HasCommits = %v, %v; want an empty repository", has, err)
	}
	entries, _ := os.ReadDir(s.Root)
	if len(entries) != 1 || entries[0].Name() != "7.wiki.git" {
		t.Errorf("repositories folder holds %v, want only 7.wiki.git", entries)
	}
}

// Remove leaves nothing of the project's repositories behind, the
// folders moved aside to remove them and an earlier Replace's leftovers
// included, and a second Remove is no error.
func TestStore_Remove(t *testing.T) {
	t.Parallel()
	s := &Store{Root: filepath.Join(t.TempDir(), "repositories")}
	if err := s.Create(t.Context(), 7, "main", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnsureWiki(t.Context(), 7); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(t.Context(), 8, "main", nil); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(s.Dir(7)+buildingMark+"crashed", 0o700); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Remove(7); err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(s.Root)
		if len(entries) != 1 || entries[0].Name() != "8.git" {
			t.Errorf("repositories folder holds %v, want only 8.git", entries)
		}
	}
}

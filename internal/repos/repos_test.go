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

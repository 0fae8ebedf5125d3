package repos

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ferryhq/ferry/internal/git"
)

// TestStore_Replace pins how a repository is rebuilt: beside the live one,
// swapped in whole, with a crashed run's leftovers swept, the old one kept
// until drop, and the live one untouched when the build fails.
func TestStore_Replace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		name     string
		existing bool  // a live repository is there first
		buildErr error // what build fails with
	}{
		{"New", false, nil},
		{"OverLive", true, nil},
		{"FailedBuild", true, errors.New("bad bundle")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &Store{Root: filepath.Join(t.TempDir(), "repositories")}
			dir := s.Dir(3)
			if tt.existing {
				if err := s.Create(ctx, 3, "old", nil); err != nil {
					t.Fatal(err)
				}
			}
			for _, leftover := range []string{dir + ".new-crashed", dir + ".old-crashed"} {
				if err := os.MkdirAll(filepath.Join(leftover, "objects"), 0o700); err != nil {
					t.Fatal(err)
				}
			}
			drop, err := s.Replace(ctx, dir, func(tmp string) error {
				if tt.buildErr != nil {
					return tt.buildErr
				}
				return git.Init(ctx, tmp, "new")
			})
			if !errors.Is(err, tt.buildErr) {
				t.Fatalf("Replace: %v, want %v", err, tt.buildErr)
			}
			if drop != nil {
				drop()
				drop()
			}
			want := map[bool]string{true: "refs/heads/new", false: "refs/heads/old"}[tt.buildErr == nil]
			if head, err := os.ReadFile(filepath.Join(dir, "HEAD")); err != nil || string(head) != "ref: "+want+"\n" {
				t.Errorf("HEAD after Replace: %q %v, want %s", head, err, want)
			}
			entries, _ := os.ReadDir(s.Root)
			names := []string{}
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if !slices.Equal(names, []string{"3.git"}) {
				t.Errorf("repositories folder holds %v, want only 3.git", names)
			}
		})
	}
}

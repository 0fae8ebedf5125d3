package repos

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Name parts of the folders a repository is built in, and the one an old
// repository waits in for its removal after a swap.
const (
	buildingMark = ".new-"
	oldMark      = ".old-"
)

// Replace builds the repository dir (Dir or WikiDir) in a folder beside
// it, with build, then swaps it into place in one rename: a reader sees
// the old repository or the new one, never none and never half of one.
// Folders left beside dir by an earlier run that crashed are removed
// first. The old repository is kept aside until the returned drop is
// called, so that git processes still reading it can finish; drop is
// safe to call more than once. With an error, dir is as it was.
func (s *Store) Replace(ctx context.Context, dir string, build func(tmp string) error) (drop func(), err error) {
	if err := os.MkdirAll(s.Root, 0o700); err != nil {
		return nil, fmt.Errorf("repositories folder: %w", err)
	}
	if err := sweep(dir); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(s.Root, filepath.Base(dir)+buildingMark)
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", filepath.Base(dir), err)
	}
	if err := build(tmp); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	old, err := swap(tmp, dir)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("swap in %s: %w", filepath.Base(dir), err)
	}
	return func() { os.RemoveAll(old) }, nil
}

// swap moves the built folder tmp to dir and returns where the old dir
// now is ("" when there was none).
func swap(tmp, dir string) (string, error) {
	if _, err := os.Lstat(dir); os.IsNotExist(err) {
		return "", os.Rename(tmp, dir)
	}
	if err := exchange(tmp, dir); err == nil {
		return tmp, nil // tmp holds the old repository now
	}
	old := dir + oldMark + strings.TrimPrefix(filepath.Base(tmp), filepath.Base(dir)+buildingMark)
	// No atomic exchange here: move the old one aside, then the new one in;
	// for that instant dir is missing, which the read paths tolerate.
	if err := os.Rename(dir, old); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.Rename(old, dir)
		return "", err
	}
	return old, nil
}

// sweep removes the folders an earlier Replace of dir left beside it.
func sweep(dir string) error {
	for _, mark := range []string{buildingMark, oldMark} {
		found, err := filepath.Glob(dir + mark + "*")
		if err != nil {
			return err
		}
		for _, f := range found {
			if err := os.RemoveAll(f); err != nil {
				return fmt.Errorf("remove leftover %s: %w", filepath.Base(f), err)
			}
		}
	}
	return nil
}

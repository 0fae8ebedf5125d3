package scratch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LegacyAge is how long an older Ferry version's scratch entry must have
// gone unmodified before it is removed: longer than any job attempt may
// run (24 hours), so whoever made it is done with it.
const LegacyAge = 25 * time.Hour

// claimGrace is how long a scratch folder without a lock file is left
// alone: a folder being claimed gets its lock file well within it.
const claimGrace = time.Minute

// legacyPrefixes start the names older Ferry versions gave the scratch
// entries they wrote directly under a root.
var legacyPrefixes = []string{"import-", "export-", "s3blob-", "blob-"}

// Swept counts what a sweep removed.
type Swept struct {
	// Entries is how many folders and files were removed from the root.
	Entries int
	// Bytes is the size of the files they held.
	Bytes int64
}

// Sweep removes from root every scratch folder whose owner is dead and
// every legacy entry unmodified for longer than legacyAge, and reports
// what it removed. A missing root holds nothing. An entry that cannot be
// checked or removed is reported in the error and the sweep goes on.
func Sweep(root string, legacyAge time.Duration) (Swept, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return Swept{}, fmt.Errorf("sweep %s: %w", root, err)
	}
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return Swept{}, nil
	}
	if err != nil {
		return Swept{}, fmt.Errorf("sweep %s: %w", root, err)
	}
	var (
		swept Swept
		errs  []error
	)
	for _, e := range entries {
		path := filepath.Join(root, e.Name())
		size, err := sweepEntry(path, e, legacyAge)
		if err != nil {
			errs = append(errs, fmt.Errorf("sweep %s: %w", path, err))
		}
		if size >= 0 {
			swept.Entries++
			swept.Bytes += size
		}
	}
	return swept, errors.Join(errs...)
}

// sweepEntry removes the root entry e at path if no live process owns it,
// and returns the size removed, or -1 if it was kept.
func sweepEntry(path string, e fs.DirEntry, legacyAge time.Duration) (int64, error) {
	switch {
	case e.IsDir() && strings.HasPrefix(e.Name(), folderPrefix):
		return sweepFolder(path)
	case isLegacy(e.Name()):
		return removeIfOlder(path, legacyAge)
	}
	return -1, nil
}

func isLegacy(name string) bool {
	for _, p := range legacyPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// sweepFolder removes the scratch folder path if its owner is dead, and
// returns the size removed, or -1 if the folder was kept.
func sweepFolder(path string) (int64, error) {
	if _, mine := held.Load(path); mine {
		return -1, nil
	}
	f, err := os.OpenFile(filepath.Join(path, lockName), os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		// Being claimed, or its owner died claiming it (or a sweep died
		// removing it): only age tells.
		return removeIfOlder(path, claimGrace)
	}
	if err != nil {
		return -1, err
	}
	defer f.Close()
	if locked, err := tryLock(f); err != nil || !locked {
		return -1, err
	}
	// The owner is dead. Holding its lock while removing keeps other
	// sweepers off the folder.
	return remove(path)
}

// removeIfOlder removes path if it was last modified more than age ago,
// and returns the size removed, or -1 if it was kept.
func removeIfOlder(path string, age time.Duration) (int64, error) {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return -1, nil
	}
	if err != nil {
		return -1, err
	}
	if time.Since(info.ModTime()) <= age {
		return -1, nil
	}
	return remove(path)
}

// remove removes path and everything under it (links are removed, never
// followed) and returns the size of the files removed.
func remove(path string) (int64, error) {
	var size int64
	_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	if err := os.RemoveAll(path); err != nil {
		return -1, err
	}
	return size, nil
}

// LiveOwners lists the scratch folders under root that another live
// process holds: a command that must not run beside a server (moving its
// store) refuses while there is one. A missing root holds none.
func LiveOwners(root string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var live []string
	for _, e := range entries {
		path := filepath.Join(root, e.Name())
		if !e.IsDir() || !strings.HasPrefix(e.Name(), folderPrefix) {
			continue
		}
		if _, mine := held.Load(path); mine {
			continue
		}
		f, err := os.OpenFile(filepath.Join(path, lockName), os.O_RDWR, 0)
		if err != nil {
			continue // no lock file: not a live owner
		}
		locked, err := tryLock(f)
		f.Close() // drops the lock if it was taken
		if err == nil && !locked {
			live = append(live, path)
		}
	}
	return live, nil
}

package scratch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

const (
	// folderPrefix starts the name of every process's scratch folder.
	folderPrefix = "proc-"
	// lockName is the lock file inside a scratch folder.
	lockName = "lock"
	// claimSuffix marks a lock file that is not yet locked.
	claimSuffix = ".claim"
)

// held are the folders this process has claimed and not released (path →
// struct{}). A sweep never opens their lock files: where flock is emulated
// with POSIX record locks (NFS), a process's own lock does not exclude the
// process itself, and closing any descriptor of the file would drop it.
var held sync.Map

// Dir is a scratch folder owned by this process until Release.
type Dir struct {
	// Path is the folder (mode 0700); put scratch files anywhere in it.
	Path string
	lock *os.File
}

// Claim makes the folder root/proc-<name> (0700, root made if missing)
// holding a locked lock file (0600), and returns it. name must be a plain
// file name, unique among the processes sharing root. Returns an error if
// the folder exists already or cannot be made or locked.
func Claim(root, name string) (*Dir, error) {
	if name == "." || !filepath.IsLocal(name) || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("scratch folder name %q: invalid", name)
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("scratch root: %w", err)
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("scratch root: %w", err)
	}
	path := filepath.Join(root, folderPrefix+name)
	if err := os.Mkdir(path, 0o700); err != nil {
		return nil, fmt.Errorf("scratch folder: %w", err)
	}
	lock, err := lockFolder(path)
	if err != nil {
		os.RemoveAll(path)
		return nil, err
	}
	held.Store(path, struct{}{})
	return &Dir{Path: path, lock: lock}, nil
}

// lockFolder creates the folder's lock file under a temporary name, locks
// it, and only then renames it to lockName: a lock file under its final
// name is always one that was locked.
func lockFolder(path string) (*os.File, error) {
	tmp := filepath.Join(path, lockName+claimSuffix)
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("scratch lock: %w", err)
	}
	locked, err := tryLock(f)
	if err == nil && !locked {
		err = errors.New("held by another process")
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(path, lockName))
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("scratch lock %s: %w", path, err)
	}
	return f, nil
}

// Release removes the folder and everything in it, then drops the lock.
// Call it once, when nothing uses the folder any more.
func (d *Dir) Release() error {
	err := os.RemoveAll(d.Path)
	if cerr := d.lock.Close(); err == nil {
		err = cerr
	}
	held.Delete(d.Path)
	if err != nil {
		return fmt.Errorf("release scratch folder: %w", err)
	}
	return nil
}

// tryLock takes an exclusive flock on f without waiting. It reports false
// when another open file holds the lock (in this process or another).
func tryLock(f *os.File) (bool, error) {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, unix.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, unix.EINTR):
			continue
		default:
			return false, fmt.Errorf("flock %s: %w", f.Name(), err)
		}
	}
}

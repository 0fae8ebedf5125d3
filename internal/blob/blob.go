// Package blob stores Ferry's large files (export archives, uploads, LFS
// objects) by key. Writes are all-or-nothing: a blob appears under its key
// only when Commit succeeds, so a crash mid-write leaves nothing half
// written. Local is the embedded default, a folder under the data folder.
package blob

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// ErrNotFound is returned for a key with no blob.
var ErrNotFound = errors.New("blob not found")

// Store keeps blobs by key ("exports/12/3/name.tar.gz").
type Store interface {
	// Create starts writing key; nothing is visible until Commit.
	Create(ctx context.Context, key string) (Writer, error)
	// Open returns key's blob. Returns ErrNotFound if there is none.
	Open(ctx context.Context, key string) (Object, error)
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// DeletePrefix removes every blob under the folder-like prefix
	// ("exports/12").
	DeletePrefix(ctx context.Context, prefix string) error
	// List calls fn with the key (relative to prefix) and size of every
	// blob under prefix, in key order.
	List(ctx context.Context, prefix string, fn func(rel string, size int64) error) error
}

// Writer is a blob being written.
type Writer interface {
	io.Writer
	// Commit makes the blob visible under its key, replacing any older one.
	Commit() error
	// Abort drops what was written. It is safe after Commit (a no-op).
	Abort() error
}

// Object is a stored blob, readable and seekable (for HTTP ranges).
type Object interface {
	io.ReadSeekCloser
	Size() int64
	ModTime() time.Time
}

// Local keeps blobs as files under Root.
type Local struct {
	Root string
	// TempDir holds blobs being written (default Root/.tmp). It must be on
	// Root's filesystem, so that Commit's rename is atomic.
	TempDir string
}

// CheckKey refuses keys that are empty, absolute or leave the store.
func CheckKey(key string) error {
	if key == "" || strings.Contains(key, "\\") || !filepath.IsLocal(key) || path.Clean(key) != key ||
		strings.HasPrefix(key, ".tmp") {
		return fmt.Errorf("blob key %q: invalid", key)
	}
	return nil
}

// Create starts a blob in TempDir, renamed into place on Commit.
func (l *Local) Create(ctx context.Context, key string) (Writer, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	tmpDir := l.TempDir
	if tmpDir == "" {
		tmpDir = filepath.Join(l.Root, ".tmp")
	}
	if err := os.MkdirAll(tmpDir, 0o700); err != nil {
		return nil, fmt.Errorf("blob tmp dir: %w", err)
	}
	f, err := os.CreateTemp(tmpDir, "blob-"+rand.Text()[:8]+"-*")
	if err != nil {
		return nil, fmt.Errorf("create blob %s: %w", key, err)
	}
	return &localWriter{f: f, dest: filepath.Join(l.Root, filepath.FromSlash(key))}, nil
}

// Open opens Root/key.
func (l *Local) Open(ctx context.Context, key string) (Object, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(l.Root, filepath.FromSlash(key)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", key, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat blob %s: %w", key, err)
	}
	return &localObject{File: f, info: info}, nil
}

// Delete removes Root/key and any parent folders it leaves empty.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	p := filepath.Join(l.Root, filepath.FromSlash(key))
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete blob %s: %w", key, err)
	}
	for dir := filepath.Dir(p); dir != l.Root && strings.HasPrefix(dir, l.Root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break
		}
	}
	return nil
}

// DeletePrefix removes the folder Root/prefix.
func (l *Local) DeletePrefix(ctx context.Context, prefix string) error {
	if err := CheckKey(prefix); err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(l.Root, filepath.FromSlash(prefix))); err != nil {
		return fmt.Errorf("delete blobs %s: %w", prefix, err)
	}
	return nil
}

// List walks the folder Root/prefix; a missing folder lists nothing.
func (l *Local) List(ctx context.Context, prefix string, fn func(rel string, size int64) error) error {
	if err := CheckKey(prefix); err != nil {
		return err
	}
	root := filepath.Join(l.Root, filepath.FromSlash(prefix))
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		return fn(filepath.ToSlash(rel), info.Size())
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

type localWriter struct {
	f       *os.File
	dest    string
	done    bool
	written int64 // bytes written
	flushed int64 // bytes handed to the disk's writeback
}

// writebackChunk is how many written bytes go to the disk's writeback at
// a time while a blob is written, so that Commit's sync finds little left
// to write (a 650 MB archive's sync took 0.45 s on its own).
const writebackChunk = 16 << 20

func (w *localWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.written += int64(n)
	if w.written-w.flushed >= writebackChunk {
		startWriteback(w.f, w.flushed, w.written-w.flushed)
		w.flushed = w.written
	}
	return n, err
}

func (w *localWriter) Commit() error {
	if w.done {
		return errors.New("blob already committed or aborted")
	}
	w.done = true
	if err := w.f.Sync(); err != nil {
		w.cleanup()
		return fmt.Errorf("sync blob: %w", err)
	}
	if err := w.f.Close(); err != nil {
		os.Remove(w.f.Name())
		return fmt.Errorf("close blob: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(w.dest), 0o700); err != nil {
		os.Remove(w.f.Name())
		return fmt.Errorf("blob dir: %w", err)
	}
	if err := os.Rename(w.f.Name(), w.dest); err != nil {
		os.Remove(w.f.Name())
		return fmt.Errorf("commit blob: %w", err)
	}
	return nil
}

func (w *localWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.cleanup()
	return nil
}

func (w *localWriter) cleanup() {
	w.f.Close()
	os.Remove(w.f.Name())
}

type localObject struct {
	*os.File
	info os.FileInfo
}

func (o *localObject) Size() int64        { return o.info.Size() }
func (o *localObject) ModTime() time.Time { return o.info.ModTime() }

// Copy copies every blob under each of prefixes from src to dst (keys
// unchanged) and returns how many it copied. copied (nil: none) is called
// after each blob with its key and size, for progress.
func Copy(ctx context.Context, src, dst Store, copied func(key string, size int64), prefixes ...string) (int, error) {
	n := 0
	err := walk(ctx, src, prefixes, func(key string, size int64) error {
		if err := copyOne(ctx, src, dst, key); err != nil {
			return err
		}
		n++
		if copied != nil {
			copied(key, size)
		}
		return nil
	})
	return n, err
}

// Size is how many blobs src holds under prefixes, and their bytes.
func Size(ctx context.Context, src Store, prefixes ...string) (files int, bytes int64, err error) {
	err = walk(ctx, src, prefixes, func(_ string, size int64) error {
		files, bytes = files+1, bytes+size
		return nil
	})
	return files, bytes, err
}

// walk calls fn with the key and size of every blob under prefixes.
func walk(ctx context.Context, src Store, prefixes []string, fn func(key string, size int64) error) error {
	for _, prefix := range prefixes {
		err := src.List(ctx, prefix, func(rel string, size int64) error {
			key := prefix + "/" + rel
			if rel == "." {
				key = prefix
			}
			return fn(key, size)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func copyOne(ctx context.Context, src, dst Store, key string) error {
	in, err := src.Open(ctx, key)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := dst.Create(ctx, key)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Abort()
		return fmt.Errorf("copy blob %s: %w", key, err)
	}
	return out.Commit()
}

package archive

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"time"

	"github.com/klauspost/pgzip"
)

// Names in the archive, as GitLab writes them (without the "./" prefix
// that the Writer adds).
const (
	Version           = "0.2.4"
	VersionFile       = "VERSION"
	GitLabVersionFile = "GITLAB_VERSION"
	GitLabRevFile     = "GITLAB_REVISION"
	TreeDir           = "tree"
	ProjectFile       = "tree/project.json"
	RelationDir       = "tree/project"
	BundleFile        = "project.bundle"
	WikiBundleFile    = "project.wiki.bundle"
	DesignBundleFile  = "project.design.bundle"
	LFSDir            = "lfs-objects"
	LFSIndexFile      = "lfs-objects.json"
	UploadsDir        = "uploads"
	SnippetsDir       = "snippets"
)

// Writer streams a GitLab export archive: tar entries named "./<name>",
// directories 0700 and files 0600 as GitLab's tar of its export folder,
// compressed with a parallel gzip at its fastest level (most of an archive
// is the repository bundle, already compressed; the JSON still shrinks
// about fivefold). Nothing is buffered beyond pgzip's blocks, so an
// archive of any size is written with flat memory.
type Writer struct {
	gz      *pgzip.Writer
	tw      *tar.Writer
	modTime time.Time
	dirs    map[string]bool
}

// NewWriter returns a Writer onto w. Close it to flush the archive.
func NewWriter(w io.Writer) *Writer {
	gz, _ := pgzip.NewWriterLevel(w, pgzip.BestSpeed)
	_ = gz.SetConcurrency(1<<20, 4)
	aw := &Writer{gz: gz, tw: tar.NewWriter(gz), modTime: time.Now().UTC().Truncate(time.Second),
		dirs: map[string]bool{}}
	return aw
}

// AddDir writes a directory entry (and its parents, once each).
func (w *Writer) AddDir(name string) error {
	name = path.Clean(name)
	if name == "." || w.dirs[name] {
		if !w.dirs["."] {
			w.dirs["."] = true
			return w.header(&tar.Header{Typeflag: tar.TypeDir, Name: "./", Mode: 0o700})
		}
		return nil
	}
	if err := w.AddDir(path.Dir(name)); err != nil {
		return err
	}
	w.dirs[name] = true
	return w.header(&tar.Header{Typeflag: tar.TypeDir, Name: "./" + name + "/", Mode: 0o700})
}

// AddFile writes a regular file of exactly size bytes read from r. Returns
// an error if r gives fewer or more bytes.
func (w *Writer) AddFile(name string, size int64, r io.Reader) error {
	name = path.Clean(name)
	if err := w.AddDir(path.Dir(name)); err != nil {
		return err
	}
	if err := w.header(&tar.Header{Typeflag: tar.TypeReg, Name: "./" + name, Mode: 0o600, Size: size}); err != nil {
		return err
	}
	n, err := io.Copy(w.tw, io.LimitReader(r, size+1))
	if err != nil {
		return fmt.Errorf("archive %s: %w", name, err)
	}
	if n != size {
		return fmt.Errorf("archive %s: got %d bytes, want %d", name, n, size)
	}
	return nil
}

// AddBytes writes a small regular file.
func (w *Writer) AddBytes(name string, data []byte) error {
	return w.AddFile(name, int64(len(data)), bytes.NewReader(data))
}

func (w *Writer) header(h *tar.Header) error {
	h.ModTime, h.Format = w.modTime, tar.FormatPAX
	h.Uname, h.Gname = "git", "git"
	if err := w.tw.WriteHeader(h); err != nil {
		return fmt.Errorf("archive %s: %w", h.Name, err)
	}
	return nil
}

// Close finishes the tar stream and the gzip stream (it does not close
// the underlying writer).
func (w *Writer) Close() error {
	if err := w.AddDir("."); err != nil {
		return err
	}
	if err := w.tw.Close(); err != nil {
		return fmt.Errorf("close tar: %w", err)
	}
	if err := w.gz.Close(); err != nil {
		return fmt.Errorf("close gzip: %w", err)
	}
	return nil
}

// Pack writes an archive of files (name → content), in name order: a
// small archive made in one call (tests, hand-made fixtures).
func Pack(w io.Writer, files map[string]string) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	aw := NewWriter(w)
	for _, name := range names {
		if err := aw.AddBytes(name, []byte(files[name])); err != nil {
			return err
		}
	}
	return aw.Close()
}

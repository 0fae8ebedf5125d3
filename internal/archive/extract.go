package archive

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/klauspost/pgzip"
)

// Sentinel errors of Extract. Errors about one entry come wrapped in a
// *FileError; test them with errors.Is.
var (
	ErrInsecurePath   = errors.New("insecure path")
	ErrLink           = errors.New("links are not allowed")
	ErrSpecialFile    = errors.New("special files are not allowed")
	ErrTooLarge       = errors.New("Decompressed archive size validation failed.") //nolint:staticcheck // GitLab's message
	ErrTooManyEntries = errors.New("too many entries")
	ErrDuplicate      = errors.New("duplicate entry")
	ErrNotGzip        = errors.New("not a gzip archive")
	ErrCorrupt        = errors.New("corrupt archive")
)

// FileError is an error about one archive entry. Path is the entry's name
// as it appears in the archive (uncleaned, possibly hostile: quote it).
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string {
	p := e.Path
	if len(p) > 200 {
		p = p[:200] + "..."
	}
	return fmt.Sprintf("archive entry %q: %v", p, e.Err)
}
func (e *FileError) Unwrap() error { return e.Err }

// Entry is one file or directory written by Extract.
type Entry struct {
	Path string // clean, slash-separated, relative to the extraction dir
	Size int64  // bytes; 0 for directories
	Dir  bool
}

// Manifest describes what Extract wrote.
type Manifest struct {
	// Entries lists the files and directories Extract created, in the
	// order it created them; parent directories missing from the archive
	// are created (and listed) before their first child.
	Entries []Entry
	// Bytes is the total size of the regular files written.
	Bytes int64

	HasVersion           bool // VERSION
	HasTree              bool // tree/project.json (NDJSON layout)
	HasLegacyProjectJSON bool // project.json at the top (legacy layout)
	HasBundle            bool // project.bundle
	HasWikiBundle        bool // project.wiki.bundle
	HasDesignBundle      bool // project.design.bundle
	HasLFSIndex          bool // lfs-objects.json

	index map[string]int // clean path -> index in Entries
}

// Lookup returns the entry written at the clean relative path p.
func (m *Manifest) Lookup(p string) (Entry, bool) {
	i, ok := m.index[p]
	if !ok {
		return Entry{}, false
	}
	return m.Entries[i], true
}

// Extract reads a gzip-compressed tar stream from r and writes its regular
// files and directories under dir, which must exist (and should be empty).
// Files are created 0600 and never overwrite anything; directories 0700.
// Every entry is checked before anything is written for it; see the
// package documentation for the rules. On error, everything Extract
// created is removed again (dir itself stays) and the Manifest is zero.
// Cancelling ctx stops Extract at its next read.
func Extract(ctx context.Context, r io.Reader, dir string, lim Limits) (Manifest, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Manifest{}, fmt.Errorf("archive: extraction dir: %w", err)
	}
	defer root.Close()
	x := &extractor{ctx: ctx, root: root, lim: lim, existing: map[string]bool{},
		buf: make([]byte, 64<<10), m: Manifest{index: map[string]int{}}}
	if err := x.run(r); err != nil {
		for i := len(x.created) - 1; i >= 0; i-- {
			_ = root.Remove(x.created[i])
		}
		return Manifest{}, err
	}
	return x.m, nil
}

// Check reads a gzip-compressed tar stream from r as Extract does, with
// the same rules and limits, and writes nothing: the Manifest lists what
// Extract would write. It is how a downloaded archive is verified (gzip
// and tar intact to the end) before it is kept.
func Check(ctx context.Context, r io.Reader, lim Limits) (Manifest, error) {
	x := &extractor{ctx: ctx, lim: lim, existing: map[string]bool{},
		buf: make([]byte, 64<<10), m: Manifest{index: map[string]int{}}}
	if err := x.run(r); err != nil {
		return Manifest{}, err
	}
	return x.m, nil
}

type extractor struct {
	ctx      context.Context
	root     *os.Root // nil: Check, which writes nothing
	lim      Limits
	m        Manifest
	existing map[string]bool // directories that were already in dir
	created  []string        // everything created, in order, for cleanup
	buf      []byte
	src      *sourceReader
}

func (x *extractor) run(r io.Reader) error {
	x.src = &sourceReader{r: r}
	gz, err := pgzip.NewReaderN(x.src, 1<<20, 4)
	if err != nil {
		if serr := x.src.Err(); serr != nil {
			return fmt.Errorf("archive: reading: %w", serr)
		}
		return fmt.Errorf("%w: %v", ErrNotGzip, err)
	}
	defer gz.Close()
	cr := &countReader{ctx: x.ctx, r: gz, max: x.lim.MaxDecompressed}
	tr := tar.NewReader(cr)
	maxEntries, n := x.lim.maxEntries(), 0
	for {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if errors.Is(err, tar.ErrInsecurePath) && hdr != nil { // GODEBUG=tarinsecurepath=0
			return &FileError{Path: hdr.Name, Err: ErrInsecurePath}
		}
		if err != nil {
			return x.streamErr(err)
		}
		if n++; n > maxEntries {
			return &FileError{Path: hdr.Name, Err: fmt.Errorf("%w (limit %d)", ErrTooManyEntries, maxEntries)}
		}
		if err := x.entry(tr, hdr); err != nil {
			var fe *FileError
			if errors.As(err, &fe) {
				return err
			}
			return &FileError{Path: hdr.Name, Err: err}
		}
	}
	// Read the rest of the gzip stream (tar padding, trailing garbage) so a
	// truncated or corrupt stream is refused and its size counted.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return x.streamErr(err)
	}
	return nil
}

// streamErr classifies an error from the decompressed stream: the size
// limit, cancellation and input errors pass through; everything else
// (bad gzip or tar data, truncation) is corruption.
func (x *extractor) streamErr(err error) error {
	switch {
	case errors.Is(err, ErrTooLarge), x.ctx.Err() != nil && errors.Is(err, x.ctx.Err()):
		return err
	case x.src.Err() != nil:
		return fmt.Errorf("archive: reading: %w", x.src.Err())
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%w: truncated", ErrCorrupt)
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}

func (x *extractor) entry(tr *tar.Reader, hdr *tar.Header) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader { // metadata only (git archive)
		return nil
	}
	name, err := cleanName(hdr.Name)
	if err != nil {
		return err
	}
	for k := range hdr.PAXRecords {
		// archive/tar expands PAX-format GNU sparse files: a few bytes of
		// stream could become terabytes of zeros on disk.
		if strings.HasPrefix(k, "GNU.sparse.") {
			return fmt.Errorf("%w: sparse file", ErrSpecialFile)
		}
	}
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeDir:
	case tar.TypeSymlink:
		return fmt.Errorf("%w: symbolic link to %q", ErrLink, hdr.Linkname)
	case tar.TypeLink:
		return fmt.Errorf("%w: hard link to %q", ErrLink, hdr.Linkname)
	default:
		return fmt.Errorf("%w: %s", ErrSpecialFile, typeName(hdr.Typeflag))
	}
	if name == "." {
		if hdr.Typeflag == tar.TypeDir {
			return nil // "./": the extraction dir itself
		}
		return fmt.Errorf("%w: not a file name", ErrInsecurePath)
	}
	if err := x.parents(name); err != nil {
		return err
	}
	if hdr.Typeflag == tar.TypeDir {
		return x.mkdir(name)
	}
	return x.file(tr, hdr, name)
}

// cleanName checks a tar entry name and returns it cleaned: slash
// separated, relative, without "./" prefixes or a trailing slash.
func cleanName(name string) (string, error) {
	switch {
	case name == "":
		return "", fmt.Errorf("%w: empty name", ErrInsecurePath)
	case len(name) > MaxNameLength:
		return "", fmt.Errorf("%w: name longer than %d bytes", ErrInsecurePath, MaxNameLength)
	case strings.ContainsRune(name, 0):
		return "", fmt.Errorf("%w: NUL in name", ErrInsecurePath)
	case strings.ContainsRune(name, '\\'):
		return "", fmt.Errorf("%w: backslash in name", ErrInsecurePath)
	case strings.HasPrefix(name, "/"):
		return "", fmt.Errorf("%w: absolute name", ErrInsecurePath)
	}
	for rest := name; rest != ""; {
		var elem string
		elem, rest, _ = strings.Cut(rest, "/")
		if elem == ".." {
			return "", fmt.Errorf("%w: \"..\" in name", ErrInsecurePath)
		}
	}
	clean := path.Clean(name)
	if clean != "." && !filepath.IsLocal(filepath.FromSlash(clean)) {
		return "", fmt.Errorf("%w: not a local name", ErrInsecurePath)
	}
	return clean, nil
}

func typeName(t byte) string {
	switch t {
	case tar.TypeChar:
		return "character device"
	case tar.TypeBlock:
		return "block device"
	case tar.TypeFifo:
		return "FIFO"
	case tar.TypeGNUSparse:
		return "sparse file"
	}
	return fmt.Sprintf("entry type %q", t)
}

// isDir reports whether p is a directory known to be safe to write into.
func (x *extractor) isDir(p string) (known, dir bool) {
	if i, ok := x.m.index[p]; ok {
		return true, x.m.Entries[i].Dir
	}
	if x.existing[p] {
		return true, true
	}
	return false, false
}

// parents makes sure every parent directory of name is a real directory,
// creating missing ones.
func (x *extractor) parents(name string) error {
	for i := 0; i < len(name); i++ {
		if name[i] != '/' {
			continue
		}
		if err := x.mkdir(name[:i]); err != nil {
			return err
		}
	}
	return nil
}

func (x *extractor) mkdir(p string) error {
	if known, dir := x.isDir(p); known {
		if !dir {
			return fmt.Errorf("%w: %q is a file", ErrDuplicate, p)
		}
		return nil
	}
	if x.root == nil {
		x.add(Entry{Path: p, Dir: true})
		return nil
	}
	err := x.root.Mkdir(p, 0o700)
	if err == nil {
		x.created = append(x.created, p)
		x.add(Entry{Path: p, Dir: true})
		return nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("archive: %w", err)
	}
	// Already in dir before extraction: reuse it only if it is a real
	// directory, never through a symbolic link.
	fi, lerr := x.root.Lstat(p)
	switch {
	case lerr != nil:
		return fmt.Errorf("archive: %w", lerr)
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%w: %q is an existing symbolic link", ErrInsecurePath, p)
	case !fi.IsDir():
		return fmt.Errorf("%w: %q already exists", ErrDuplicate, p)
	}
	x.existing[p] = true
	return nil
}

func (x *extractor) file(tr *tar.Reader, hdr *tar.Header, name string) error {
	if known, _ := x.isDir(name); known {
		return fmt.Errorf("%w: %q already extracted", ErrDuplicate, name)
	}
	if hdr.Size < 0 {
		return fmt.Errorf("%w: negative size", ErrCorrupt)
	}
	// File data never exceeds the stream it comes from (sparse files are
	// refused), so this only refuses early what the stream count would.
	if max := x.lim.MaxDecompressed; max > 0 && hdr.Size > max-x.m.Bytes {
		return ErrTooLarge
	}
	f, err := x.create(name)
	if err != nil {
		return err
	}
	// Never trust the header: copy at most Size+1 bytes and compare.
	lr := &io.LimitedReader{R: tr, N: hdr.Size + 1}
	n, err := io.CopyBuffer(writerOnly{f}, lr, x.buf)
	if cerr := f.Close(); err == nil && cerr != nil {
		return fmt.Errorf("archive: %w", cerr)
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("archive: %w", err) // writing to disk
		}
		return x.streamErr(err)
	}
	if n != hdr.Size {
		return fmt.Errorf("%w: %d bytes of data, header says %d", ErrCorrupt, n, hdr.Size)
	}
	x.add(Entry{Path: name, Size: n})
	x.m.Bytes += n
	switch name {
	case VersionFile:
		x.m.HasVersion = true
	case ProjectFile:
		x.m.HasTree = true
	case "project.json":
		x.m.HasLegacyProjectJSON = true
	case BundleFile:
		x.m.HasBundle = true
	case WikiBundleFile:
		x.m.HasWikiBundle = true
	case DesignBundleFile:
		x.m.HasDesignBundle = true
	case LFSIndexFile:
		x.m.HasLFSIndex = true
	}
	return nil
}

// create opens name for writing: a new file under dir, or nothing for
// Check.
func (x *extractor) create(name string) (io.WriteCloser, error) {
	if x.root == nil {
		return discard{}, nil
	}
	// O_CREATE|O_EXCL never follows a symbolic link and never truncates an
	// existing file; os.Root confines the parents to dir.
	f, err := x.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%w: %q already exists", ErrDuplicate, name)
	}
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	x.created = append(x.created, name)
	return f, nil
}

// discard is the file Check writes: nothing.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) Close() error                { return nil }

func (x *extractor) add(e Entry) {
	x.m.index[e.Path] = len(x.m.Entries)
	x.m.Entries = append(x.m.Entries, e)
}

// writerOnly hides (*os.File).ReadFrom so io.CopyBuffer uses our buffer.
type writerOnly struct{ io.Writer }

// sourceReader remembers an error of the compressed input, to tell it
// apart from corruption. pgzip reads it from another goroutine.
type sourceReader struct {
	r   io.Reader
	mu  sync.Mutex
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
	}
	return n, err
}

func (s *sourceReader) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

package archive

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// Errors about JSON documents, as GitLab words them. They come wrapped in a
// *LineError, or in an error naming the file.
var (
	ErrJSONTooLarge = errors.New("JSON exceeds 50 MB limit")
	ErrJSONFormat   = errors.New("Incorrect JSON format") //nolint:staticcheck // GitLab's message
)

// LineError is an error about one record of a relation: a line of an
// NDJSON file, or an element of a relation array in a legacy project.json.
type LineError struct {
	File string // relative path, e.g. "tree/project/issues.ndjson"
	Line int    // 0-based line (NDJSON) or element index (legacy)
	Err  error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%v in %s (line %d)", e.Err, e.File, e.Line+1)
}
func (e *LineError) Unwrap() error { return e.Err }

// importOrder is the order in which GitLab's importer restores relations.
var importOrder = []string{
	"labels", "milestones", "issues", "snippets", "releases", "project_members",
	"merge_requests", "external_pull_requests", "commit_notes", "ci_pipelines",
	"auto_devops", "pipeline_schedules", "container_expiration_policy",
	"protected_branches", "protected_tags", "protected_environments",
	"project_feature", "custom_attributes", "project_badges", "ci_cd_settings",
	"error_tracking_setting", "boards", "service_desk_setting", "user_contributions",
}

// sortRelations sorts names in GitLab's import order, then alphabetically.
func sortRelations(names []string) {
	rank := func(s string) int {
		if i := slices.Index(importOrder, s); i >= 0 {
			return i
		}
		return len(importOrder)
	}
	slices.SortFunc(names, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
}

// validRelation reports whether name can be a relation file's base name.
func validRelation(name string) bool {
	if name == "" || len(name) > 128 {
		return false
	}
	for _, c := range []byte(name) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Relations lists the relations present in dir as tree/project/<name>.ndjson
// regular files, in GitLab's import order followed by any others
// alphabetically. Symbolic links, and names that are not [a-z0-9_]+, are
// ignored. A missing tree/project gives an empty list.
func Relations(dir string) ([]string, error) {
	names, err := relationFiles(dir, RelationDir)
	sortRelations(names)
	return names, err
}

// relationFiles lists the <name>.ndjson regular files of dir/relDir whose
// name is [a-z0-9_]+, unsorted. A missing relDir gives an empty list.
func relationFiles(dir, relDir string) ([]string, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	defer root.Close()
	fi, err := root.Lstat(relDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("archive: %s is not a directory", relDir)
	}
	d, err := root.Open(relDir)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	defer d.Close()
	entries, err := d.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	var names []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".ndjson")
		if ok && e.Type().IsRegular() && validRelation(name) {
			names = append(names, name)
		}
	}
	return names, nil
}

// RelationReader reads the records of one relation, one at a time, from
// tree/project/<relation>.ndjson (see OpenRelation) or from a legacy
// project.json (see Legacy.Relation).
type RelationReader struct {
	file string // relative path, for errors
	f    *os.File
	br   *bufio.Reader
	off  int64 // offset in f of the next byte br gives
	line int   // index of the next line or element
	long []byte
	done bool

	// A legacy project.json relation: its elements come from js, read
	// from at (the file) from base on.
	js     *jsonStream
	at     io.ReaderAt
	base   int64
	single bool // one object, not an array
}

// OpenRelation opens tree/project/<relation>.ndjson in dir. A missing file,
// or a symbolic link (which GitLab skips), gives a reader with no records.
func OpenRelation(dir, relation string) (*RelationReader, error) {
	if !validRelation(relation) {
		return nil, fmt.Errorf("archive: invalid relation name %q", relation)
	}
	return openNDJSON(dir, RelationDir+"/"+relation+".ndjson")
}

// openNDJSON opens the NDJSON file dir/name. A missing file, or a
// symbolic link (which GitLab skips), gives a reader with no records.
func openNDJSON(dir, name string) (*RelationReader, error) {
	f, _, err := openRegular(dir, name)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrSymlink) {
		return &RelationReader{file: name, done: true}, nil
	}
	if err != nil {
		return nil, err
	}
	return &RelationReader{file: name, f: f, br: bufio.NewReaderSize(f, 64<<10)}, nil
}

// Next returns the next record: its 0-based line number (element index for
// a legacy relation) and the JSON object, which stays valid until the next
// call to Next (a line is not copied: one record of MaxJSONLine bytes
// takes about that much memory, once). It returns io.EOF after the last
// record. Blank lines are skipped; the last line may lack its newline. A
// record that is not one JSON object gives a *LineError wrapping
// ErrJSONFormat, one longer than MaxJSONLine a *LineError wrapping
// ErrJSONTooLarge; for NDJSON files reading may go on after either.
func (r *RelationReader) Next() (line int, raw json.RawMessage, err error) {
	if r.done {
		return 0, nil, io.EOF
	}
	if r.js != nil {
		return r.nextLegacy()
	}
	for {
		idx := r.line
		data, err := r.readLine()
		if err == io.EOF && len(data) == 0 {
			r.done = true
			return 0, nil, io.EOF
		}
		r.line++
		if err != nil && err != io.EOF {
			var le *LineError
			if !errors.As(err, &le) {
				r.done = true
			}
			return idx, nil, err
		}
		data = bytes.TrimSpace(data)
		if len(data) == 0 {
			continue
		}
		if data[0] != '{' || !json.Valid(data) {
			return idx, nil, &LineError{File: r.file, Line: idx, Err: ErrJSONFormat}
		}
		return idx, data, nil
	}
}

// readLine returns the next line, newline included, in br's buffer when
// it fits there. A longer line is measured first, skipping through it,
// and then read again from the file into a buffer of its size: it is
// never held twice, and never read into memory at all when it is longer
// than MaxJSONLine.
func (r *RelationReader) readLine() ([]byte, error) {
	start := r.off
	chunk, err := r.br.ReadSlice('\n')
	r.off += int64(len(chunk))
	if err != bufio.ErrBufferFull {
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("archive: reading %s: %w", r.file, err)
		}
		return chunk, err
	}
	for err == bufio.ErrBufferFull {
		chunk, err = r.br.ReadSlice('\n')
		r.off += int64(len(chunk))
	}
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("archive: reading %s: %w", r.file, err)
	}
	n := r.off - start
	if n > MaxJSONLine+2 { // room for "\r\n"
		return nil, &LineError{File: r.file, Line: r.line, Err: ErrJSONTooLarge}
	}
	data, rerr := r.hold(r.f, start, n)
	if rerr != nil {
		return nil, rerr
	}
	if len(bytes.TrimRight(data, "\r\n")) > MaxJSONLine {
		return nil, &LineError{File: r.file, Line: r.line, Err: ErrJSONTooLarge}
	}
	return data, err
}

// nextLegacy reads the next element of a legacy relation: it walks
// through it to find its extent, then reads it in one piece.
func (r *RelationReader) nextLegacy() (int, json.RawMessage, error) {
	idx := r.line
	c, err := r.js.peek()
	if !r.single && err == nil && (c == ']' || idx > 0) {
		_, err = r.js.read()
		if err == nil && c == ']' {
			r.done = true
			return 0, nil, io.EOF
		}
		if err == nil && c != ',' {
			err = ErrJSONFormat
		}
		if err == nil {
			_, err = r.js.peek()
		}
	}
	start := r.js.off
	if err == nil {
		err = r.js.skip()
	}
	r.line++
	if r.single || err != nil {
		r.done = true
	}
	if err == nil && r.js.off-start > MaxJSONLine {
		r.done, err = true, ErrJSONTooLarge
	}
	if err != nil {
		return idx, nil, r.legacyErr(idx, eofSyntax(err))
	}
	raw, err := r.hold(r.at, r.base+start, r.js.off-start)
	if err != nil {
		return idx, nil, err
	}
	if raw[0] != '{' {
		return idx, nil, &LineError{File: r.file, Line: idx, Err: ErrJSONFormat}
	}
	return idx, raw, nil
}

// hold reads n bytes at off into the reader's buffer for long records.
func (r *RelationReader) hold(at io.ReaderAt, off, n int64) ([]byte, error) {
	if int64(cap(r.long)) < n {
		r.long = make([]byte, n)
	}
	data := r.long[:n]
	if _, err := at.ReadAt(data, off); err != nil {
		return nil, fmt.Errorf("archive: reading %s: %w", r.file, err)
	}
	return data, nil
}

func (r *RelationReader) legacyErr(idx int, err error) error {
	for _, kind := range []error{ErrJSONTooLarge, ErrJSONFormat} {
		if errors.Is(err, kind) {
			return &LineError{File: r.file, Line: idx, Err: kind}
		}
	}
	return fmt.Errorf("archive: reading %s: %w", r.file, err)
}

// Close releases the file of an NDJSON reader. (Readers from a Legacy use
// the Legacy's file; closing them does nothing.)
func (r *RelationReader) Close() error {
	r.done, r.long = true, nil
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

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
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	defer root.Close()
	fi, err := root.Lstat(RelationDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("archive: %s is not a directory", RelationDir)
	}
	d, err := root.Open(RelationDir)
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
	sortRelations(names)
	return names, nil
}

// RelationReader reads the records of one relation, one at a time, from
// tree/project/<relation>.ndjson (see OpenRelation) or from a legacy
// project.json (see Legacy.Relation).
type RelationReader struct {
	file string // relative path, for errors
	f    *os.File
	br   *bufio.Reader
	line int // index of the next line or element
	buf  []byte
	done bool

	dec    *json.Decoder // legacy project.json
	single bool          // legacy relation holding one object, not an array
}

// OpenRelation opens tree/project/<relation>.ndjson in dir. A missing file,
// or a symbolic link (which GitLab skips), gives a reader with no records.
func OpenRelation(dir, relation string) (*RelationReader, error) {
	if !validRelation(relation) {
		return nil, fmt.Errorf("archive: invalid relation name %q", relation)
	}
	name := RelationDir + "/" + relation + ".ndjson"
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
// a legacy relation) and the JSON object. It returns io.EOF after the last
// record. Blank lines are skipped; the last line may lack its newline. A
// record that is not one JSON object gives a *LineError wrapping
// ErrJSONFormat, one longer than MaxJSONLine a *LineError wrapping
// ErrJSONTooLarge; for NDJSON files reading may go on after either.
func (r *RelationReader) Next() (line int, raw json.RawMessage, err error) {
	if r.done {
		return 0, nil, io.EOF
	}
	if r.dec != nil {
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
		return idx, bytes.Clone(data), nil
	}
}

// readLine returns the next line without its newline, reading at most
// MaxJSONLine bytes of it into memory.
func (r *RelationReader) readLine() ([]byte, error) {
	r.buf = r.buf[:0]
	tooLong := false
	for {
		chunk, err := r.br.ReadSlice('\n')
		if !tooLong {
			if len(r.buf)+len(chunk) > MaxJSONLine+2 { // room for "\r\n"
				tooLong, r.buf = true, r.buf[:0]
			} else {
				r.buf = append(r.buf, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil && err != io.EOF:
			return nil, fmt.Errorf("archive: reading %s: %w", r.file, err)
		case tooLong || len(bytes.TrimRight(r.buf, "\r\n")) > MaxJSONLine:
			return nil, &LineError{File: r.file, Line: r.line, Err: ErrJSONTooLarge}
		}
		return r.buf, err
	}
}

func (r *RelationReader) nextLegacy() (int, json.RawMessage, error) {
	idx := r.line
	if !r.single && !r.dec.More() {
		r.done = true
		if tok, err := r.dec.Token(); err != nil || tok != json.Delim(']') {
			return idx, nil, r.legacyErr(idx, err)
		}
		return 0, nil, io.EOF
	}
	var raw json.RawMessage
	err := r.dec.Decode(&raw)
	r.line++
	if r.single {
		r.done = true
	}
	if err != nil {
		r.done = true
		return idx, nil, r.legacyErr(idx, err)
	}
	if raw[0] != '{' {
		return idx, nil, &LineError{File: r.file, Line: idx, Err: ErrJSONFormat}
	}
	return idx, raw, nil
}

func (r *RelationReader) legacyErr(idx int, err error) error {
	if errors.Is(err, ErrJSONTooLarge) {
		return &LineError{File: r.file, Line: idx, Err: ErrJSONTooLarge}
	}
	var se *json.SyntaxError
	if err == nil || err == io.EOF || err == io.ErrUnexpectedEOF || errors.As(err, &se) {
		return &LineError{File: r.file, Line: idx, Err: ErrJSONFormat}
	}
	return fmt.Errorf("archive: reading %s: %w", r.file, err)
}

// Close releases the file of an NDJSON reader. (Readers from a Legacy use
// the Legacy's file; closing them does nothing.)
func (r *RelationReader) Close() error {
	r.done = true
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

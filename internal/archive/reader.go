package archive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
)

// ErrVersionFormat is GitLab's error for a VERSION file holding no version.
var ErrVersionFormat = errors.New("Incorrect VERSION format") //nolint:staticcheck // GitLab's message

// ErrSymlink is returned when a file Ferry reads after extraction is a
// symbolic link (Extract never creates one, so something else did).
var ErrSymlink = errors.New("is a symbolic link")

// VersionError reports a VERSION that is not one of AcceptedVersions. Its
// message starts as GitLab's and says what Ferry reads besides.
type VersionError struct {
	Found string // the version found, e.g. "0.1.0"
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("Import version mismatch: Required %s but was %s (Ferry also reads %s to %s)",
		Version, e.Found, AcceptedVersions[0], AcceptedVersions[len(AcceptedVersions)-2])
}

var versionRE = regexp.MustCompile(`(\d+)\.(\d+)\.(\d+)`)

// AcceptedVersions are the format versions Ferry reads: every 0.2.x
// (GitLab 10.0 onward; the layout has not changed since, apart from the
// NDJSON tree that 13.0 added beside the legacy project.json, and both are
// read). GitLab itself accepts only Version.
var AcceptedVersions = []string{"0.2.0", "0.2.1", "0.2.2", "0.2.3", "0.2.4"}

// CheckVersion checks dir/VERSION as GitLab's VersionChecker does: the first
// "X.Y.Z" within the first 128 bytes must be one of AcceptedVersions. It
// returns a *VersionError for another version, ErrVersionFormat when there
// is no version, and an error wrapping fs.ErrNotExist when the file is
// missing.
func CheckVersion(dir string) error {
	f, _, err := openRegular(dir, VersionFile)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 128)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return fmt.Errorf("archive: reading %s: %w", VersionFile, err)
	}
	found := versionRE.Find(buf[:n])
	if found == nil {
		return ErrVersionFormat
	}
	if !slices.Contains(AcceptedVersions, string(found)) {
		return &VersionError{Found: string(found)}
	}
	return nil
}

// ReadProjectJSON reads tree/project.json: the project's attributes as one
// JSON object, at most MaxProjectJSON bytes. A symbolic link is refused.
func ReadProjectJSON(dir string) (map[string]json.RawMessage, error) {
	f, _, err := openRegular(dir, ProjectFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxProjectJSON+1))
	if err != nil {
		return nil, fmt.Errorf("archive: reading %s: %w", ProjectFile, err)
	}
	if len(data) > MaxProjectJSON {
		return nil, fmt.Errorf("%w in %s", ErrJSONTooLarge, ProjectFile)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, fmt.Errorf("%w in %s", ErrJSONFormat, ProjectFile)
	}
	return m, nil
}

// openRegular opens dir/name (slash-separated, relative) for reading. It
// refuses anything but a regular file, including a symbolic link in place
// of the file (ErrSymlink); os.Root refuses parents leading out of dir.
func openRegular(dir, name string) (*os.File, fs.FileInfo, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: %w", err)
	}
	defer root.Close()
	fi, err := root.Lstat(name)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, nil, fmt.Errorf("archive: %s %w", name, ErrSymlink)
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("archive: %s is not a regular file", name)
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: %w", err)
	}
	st, err := f.Stat()
	if err != nil || !os.SameFile(fi, st) {
		f.Close()
		return nil, nil, fmt.Errorf("archive: %s changed while opening it", name)
	}
	return f, st, nil
}

// LegacyProjectFile is the single JSON file of the legacy layout.
const LegacyProjectFile = "project.json"

// legacyRelations are the keys of a legacy project.json that are always
// relations, whatever their value.
var legacyRelations = append(slices.Clone(importOrder),
	"services", "triggers", "vulnerabilities", "security_setting", "push_rule",
	"approval_rules", "design_management_repository")

// Legacy reads a legacy project.json (one JSON object holding the project's
// attributes and, under relation keys, its relations) without loading it:
// OpenLegacy makes one streaming pass that keeps the attributes and the
// byte range of every relation value; Relation then streams one relation's
// elements from its byte range. Key order in the file does not matter.
type Legacy struct {
	f     *os.File
	attrs map[string]json.RawMessage
	rels  map[string]section
}

type section struct {
	off, end int64
	single   bool // one object rather than an array
}

// OpenLegacy indexes dir/project.json. A key is a relation if it is one of
// GitLab's known relations (and its value is an array or object) or if its
// value is an array whose first element is an object; every other key is
// an attribute. Each value is limited to MaxJSONLine bytes except relation
// arrays, which are never held in memory; the attributes together are
// limited to MaxProjectJSON. When a key repeats, the last value wins.
func OpenLegacy(dir string) (*Legacy, error) {
	f, _, err := openRegular(dir, LegacyProjectFile)
	if err != nil {
		return nil, err
	}
	l := &Legacy{f: f, attrs: map[string]json.RawMessage{}, rels: map[string]section{}}
	if err := l.index(); err != nil {
		f.Close()
		if errors.Is(err, ErrJSONTooLarge) {
			return nil, fmt.Errorf("%w in %s", ErrJSONTooLarge, LegacyProjectFile)
		}
		var se *json.SyntaxError
		if err == io.EOF || err == io.ErrUnexpectedEOF || errors.As(err, &se) || errors.Is(err, ErrJSONFormat) {
			return nil, fmt.Errorf("%w in %s", ErrJSONFormat, LegacyProjectFile)
		}
		return nil, fmt.Errorf("archive: reading %s: %w", LegacyProjectFile, err)
	}
	return l, nil
}

func (l *Legacy) index() error {
	dec := newGuardedDecoder(io.NewSectionReader(l.f, 0, 1<<62))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errors.Join(ErrJSONFormat, err)
	}
	var attrBytes int64
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return ErrJSONFormat
		}
		keyEnd := dec.InputOffset()
		if tok, err = dec.Token(); err != nil {
			return err
		}
		known := slices.Contains(legacyRelations, key)
		switch v := tok.(type) {
		case json.Delim: // '[' or '{'
			start := dec.InputOffset() - 1
			depth, objects := 1, false
			if v == '[' && dec.More() {
				if tok, err = dec.Token(); err != nil {
					return err
				}
				objects = tok == json.Delim('{')
				if _, ok := tok.(json.Delim); ok {
					depth++
				}
			}
			if err := skipValue(dec, depth); err != nil {
				return err
			}
			end := dec.InputOffset()
			if known || objects {
				l.rels[key] = section{off: start, end: end, single: v == '{'}
				delete(l.attrs, key)
				continue
			}
		case nil:
			if known {
				delete(l.rels, key) // "relation": null: no records
				continue
			}
		}
		// An attribute: its raw bytes are those between the key and the
		// end of the value, less the colon and white space.
		end := dec.InputOffset()
		if end-keyEnd > MaxJSONLine+64 {
			return ErrJSONTooLarge
		}
		raw := make([]byte, end-keyEnd)
		if _, err := l.f.ReadAt(raw, keyEnd); err != nil {
			return err
		}
		raw = bytes.TrimLeft(raw, " \t\r\n:")
		if attrBytes += int64(len(raw)); attrBytes > MaxProjectJSON {
			return ErrJSONTooLarge
		}
		l.attrs[key] = raw
		delete(l.rels, key)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return errors.Join(ErrJSONFormat, err)
	}
	if _, err := dec.Token(); err != io.EOF { // trailing data
		return ErrJSONFormat
	}
	return nil
}

// skipValue reads tokens until depth open delimiters are closed.
func skipValue(dec *json.Decoder, depth int) error {
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
	return nil
}

// Attributes returns the project's attributes: every key that is not a
// relation, with its raw value.
func (l *Legacy) Attributes() map[string]json.RawMessage { return l.attrs }

// Relations returns the relation keys present, in GitLab's import order
// followed by any others alphabetically.
func (l *Legacy) Relations() []string {
	names := make([]string, 0, len(l.rels))
	for k := range l.rels {
		names = append(names, k)
	}
	sortRelations(names)
	return names
}

// Relation returns a reader streaming the elements of one relation (a
// relation holding a single object yields that object once). A relation
// that is not present yields nothing. Readers stay valid until Close and
// may be used concurrently.
func (l *Legacy) Relation(name string) (*RelationReader, error) {
	s, ok := l.rels[name]
	if !ok {
		return &RelationReader{file: LegacyProjectFile, done: true}, nil
	}
	r := &RelationReader{file: LegacyProjectFile, single: s.single,
		dec: newGuardedDecoder(io.NewSectionReader(l.f, s.off, s.end-s.off))}
	if !s.single {
		if tok, err := r.dec.Token(); err != nil || tok != json.Delim('[') {
			return nil, r.legacyErr(0, err)
		}
	}
	return r, nil
}

// Close closes the file; readers from Relation stop working.
func (l *Legacy) Close() error { return l.f.Close() }

// guard feeds a json.Decoder and refuses to let the decoder buffer more
// than MaxJSONLine bytes beyond the start of the value or token it is
// reading, so no single JSON value can take more memory than that.
type guard struct {
	r   io.Reader
	dec *json.Decoder
	n   int64 // bytes handed to the decoder
}

func newGuardedDecoder(r io.Reader) *json.Decoder {
	g := &guard{r: r}
	g.dec = json.NewDecoder(g)
	return g.dec
}

func (g *guard) Read(p []byte) (int, error) {
	room := MaxJSONLine + 1 - (g.n - g.dec.InputOffset())
	if room <= 0 {
		return 0, ErrJSONTooLarge
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

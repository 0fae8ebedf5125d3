package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
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
	return readObject(dir, ProjectFile)
}

// readObject reads dir/name, one JSON object of at most MaxProjectJSON
// bytes, into its members. A symbolic link is refused.
func readObject(dir, name string) (map[string]json.RawMessage, error) {
	f, st, err := openRegular(dir, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > MaxProjectJSON {
		return nil, fmt.Errorf("%w in %s", ErrJSONTooLarge, name)
	}
	data := make([]byte, st.Size()) // read in one piece, not grown
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, fmt.Errorf("archive: reading %s: %w", name, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, fmt.Errorf("%w in %s", ErrJSONFormat, name)
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
// OpenLegacy makes one streaming pass that checks the syntax and keeps the
// attributes and the byte range of every relation value; Relation then
// streams one relation's elements from its byte range, holding one element
// at a time. Key order in the file does not matter.
type Legacy struct {
	f         *os.File
	name      string   // the file's name, for errors
	known     []string // keys that are always relations
	child     bool     // a child group of a legacy group.json: f is its parent's
	attrs     map[string]json.RawMessage
	attrBytes int64
	rels      map[string]section
}

type section struct {
	off, end int64
	single   bool // one object rather than an array
}

// OpenLegacy indexes dir/project.json. A key is a relation if it is one of
// GitLab's known relations (and its value is an array or object) or if its
// value is an array whose first element is an object; every other key is
// an attribute. Each attribute is limited to MaxJSONLine bytes and the
// attributes together to MaxProjectJSON; relation values are never held in
// memory (their elements are limited when read). When a key repeats, the
// last value wins.
func OpenLegacy(dir string) (*Legacy, error) {
	return openLegacy(dir, LegacyProjectFile, legacyRelations)
}

// openLegacy indexes dir/name, keys in known being relations.
func openLegacy(dir, name string, known []string) (*Legacy, error) {
	f, st, err := openRegular(dir, name)
	if err != nil {
		return nil, err
	}
	l := &Legacy{f: f, name: name, known: known}
	if err := l.index(0, st.Size()); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// index reads the object at [off, off+n) of the file: its attributes and
// where its relations are.
func (l *Legacy) index(off, n int64) error {
	l.attrs, l.rels = map[string]json.RawMessage{}, map[string]section{}
	s := newJSONStream(io.NewSectionReader(l.f, off, n))
	s.off = off // offsets are the file's
	err := l.object(s)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrJSONTooLarge):
		return fmt.Errorf("%w in %s", ErrJSONTooLarge, l.name)
	case errors.Is(err, ErrJSONFormat):
		return fmt.Errorf("%w in %s", ErrJSONFormat, l.name)
	}
	return fmt.Errorf("archive: reading %s: %w", l.name, err)
}

func (l *Legacy) object(s *jsonStream) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if c, err := s.peek(); err != nil || c == '}' {
		if err == nil {
			_, err = s.read()
		}
		return l.end(s, eofSyntax(err))
	}
	for {
		if err := l.member(s); err != nil {
			return err
		}
		c, err := s.peek()
		if err == nil {
			_, err = s.read()
		}
		if err != nil || c == '}' {
			return l.end(s, eofSyntax(err))
		}
		if c != ',' {
			return ErrJSONFormat
		}
	}
}

// end checks that nothing but white space follows the object.
func (l *Legacy) end(s *jsonStream, err error) error {
	if err != nil {
		return err
	}
	if _, err := s.peek(); err != io.EOF {
		return errors.Join(ErrJSONFormat, err) // trailing data
	}
	return nil
}

// member reads one key and value of the top-level object: a relation is
// only located, an attribute is kept.
func (l *Legacy) member(s *jsonStream) error {
	body, err := s.str(true, MaxJSONLine)
	if err != nil {
		return err
	}
	var key string
	if err := json.Unmarshal(append(append([]byte{'"'}, body...), '"'), &key); err != nil {
		return ErrJSONFormat
	}
	if err := s.expect(':'); err != nil {
		return err
	}
	c, err := s.peek()
	if err != nil {
		return eofSyntax(err)
	}
	start, objects := s.off, false
	if c == '[' {
		objects, err = s.array()
	} else {
		err = s.skip()
	}
	if err != nil {
		return err
	}
	known := slices.Contains(l.known, key)
	switch {
	case (c == '[' || c == '{') && (known || objects):
		l.rels[key] = section{off: start, end: s.off, single: c == '{'}
		delete(l.attrs, key)
		return nil
	case c == 'n' && known: // "relation": null: no records
		delete(l.rels, key)
		return nil
	}
	return l.attribute(key, start, s.off)
}

// attribute keeps the value at [start, end) of the file as an attribute.
func (l *Legacy) attribute(key string, start, end int64) error {
	if end-start > MaxJSONLine || l.attrBytes+end-start > MaxProjectJSON {
		return ErrJSONTooLarge
	}
	raw := make([]byte, end-start)
	if _, err := l.f.ReadAt(raw, start); err != nil {
		return err
	}
	l.attrBytes += int64(len(raw))
	l.attrs[key] = raw
	delete(l.rels, key)
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
		return &RelationReader{file: l.name, done: true}, nil
	}
	r := &RelationReader{file: l.name, single: s.single, at: l.f, base: s.off,
		js: newJSONStream(io.NewSectionReader(l.f, s.off, s.end-s.off))}
	if !s.single {
		if err := r.js.expect('['); err != nil {
			return nil, r.legacyErr(0, err)
		}
	}
	return r, nil
}

// Close closes the file; readers from Relation stop working. (Closing a
// child group does nothing: its file is its parent's.)
func (l *Legacy) Close() error {
	if l.child {
		return nil
	}
	return l.f.Close()
}

// ReadLine returns the first line (at most 128 bytes) of the small text
// file dir/name, such as VERSION or GITLAB_VERSION, trimmed. A symbolic
// link is refused; a missing file gives an error wrapping fs.ErrNotExist.
func ReadLine(dir, name string) (string, error) {
	f, _, err := openRegular(dir, name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	buf := make([]byte, 128)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return "", fmt.Errorf("archive: reading %s: %w", name, err)
	}
	line, _, _ := strings.Cut(string(buf[:n]), "\n")
	return strings.TrimSpace(line), nil
}

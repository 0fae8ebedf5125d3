package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Edits are the changes Rewrite makes to an archive; everything else is
// copied byte for byte.
type Edits struct {
	// Emails maps e-mails to new ones: every JSON string of a relation
	// record that is exactly an old e-mail becomes the new one.
	Emails map[string]string
	// Drop lists, by relation, the 0-based line numbers of the records
	// to leave out (the line_number of failed_relations).
	Drop map[string]map[int]bool
	// Attributes are set in tree/project.json (JSON values).
	Attributes map[string]json.RawMessage
	// Version, when set, is written to VERSION.
	Version string
}

// Rewrite writes to w the archive extracted in dir (m is what Extract
// returned) with the edits, in the same order. A relation file is
// rewritten only when an edit changes it, record by record: a kept
// record is written as read (trimmed, with its newline); every other
// file is copied byte for byte. An edited file goes through a temporary file
// in tmp first (a tar header needs its size), so memory stays flat.
func Rewrite(ctx context.Context, dir string, m Manifest, w io.Writer, e Edits, tmp string) error {
	aw := NewWriter(w)
	for _, entry := range m.Entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		switch {
		case entry.Dir:
			err = aw.AddDir(entry.Path)
		case entry.Path == VersionFile && e.Version != "":
			err = aw.AddBytes(VersionFile, []byte(e.Version+"\n"))
		case entry.Path == ProjectFile && len(e.Attributes) > 0:
			err = rewriteAttributes(aw, dir, e.Attributes)
		case e.edits(entry.Path):
			err = rewriteRelation(aw, dir, entry, e, tmp)
		default:
			err = copyEntry(aw, dir, entry)
		}
		if err != nil {
			return fmt.Errorf("rewrite %s: %w", entry.Path, err)
		}
	}
	return aw.Close()
}

// edits reports whether an edit applies to the file name.
func (e Edits) edits(name string) bool {
	rel, ok := relationOf(name)
	return ok && (len(e.Emails) > 0 || len(e.Drop[rel]) > 0)
}

// relationOf is the relation of an NDJSON file name.
func relationOf(name string) (string, bool) {
	if path.Dir(name) != RelationDir || !strings.HasSuffix(name, ".ndjson") {
		return "", false
	}
	return strings.TrimSuffix(path.Base(name), ".ndjson"), true
}

func copyEntry(aw *Writer, dir string, entry Entry) error {
	f, _, err := openRegular(dir, entry.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	return aw.AddFile(entry.Path, entry.Size, f)
}

func rewriteAttributes(aw *Writer, dir string, set map[string]json.RawMessage) error {
	attrs, err := ReadProjectJSON(dir)
	if err != nil {
		return err
	}
	for k, v := range set {
		attrs[k] = v
	}
	b, err := json.Marshal(attrs)
	if err != nil {
		return err
	}
	return aw.AddBytes(ProjectFile, b)
}

// rewriteRelation writes the relation's kept records, with the e-mails
// mapped, to a temporary file, then adds it; when no record changed, the
// file is copied as it was.
func rewriteRelation(aw *Writer, dir string, entry Entry, e Edits, tmp string) error {
	rel, _ := relationOf(entry.Path)
	rd, err := OpenRelation(dir, rel)
	if err != nil {
		return err
	}
	defer rd.Close()
	f, err := os.CreateTemp(tmp, ".ferry-rewrite-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	var size int64
	changed := false
	for {
		line, raw, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if e.Drop[rel][line] {
			changed = true
			continue // also an unreadable line: dropping it is the fix
		}
		if err != nil {
			return err
		}
		for old, repl := range e.Emails {
			if q := quote(old); bytes.Contains(raw, q) {
				raw, changed = bytes.ReplaceAll(raw, q, quote(repl)), true
			}
		}
		// raw may sit in the reader's buffer: never append to it.
		if _, err := f.Write(raw); err != nil {
			return err
		}
		if _, err := f.Write([]byte{'\n'}); err != nil {
			return err
		}
		size += int64(len(raw)) + 1
	}
	if !changed {
		return copyEntry(aw, dir, entry)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return aw.AddFile(filepath.ToSlash(entry.Path), size, f)
}

// quote is s as a JSON string.
func quote(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}

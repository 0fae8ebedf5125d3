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
			err = rewriteRelation(ctx, aw, dir, entry, e, tmp)
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
// mapped; when no record changed, the file is copied as it was.
func rewriteRelation(ctx context.Context, aw *Writer, dir string, entry Entry, e Edits, tmp string) error {
	rel, _ := relationOf(entry.Path)
	rd, err := OpenRelation(dir, rel)
	if err != nil {
		return err
	}
	defer rd.Close()
	type swap struct{ old, repl []byte }
	swaps := make([]swap, 0, len(e.Emails))
	for old, repl := range e.Emails { // quoted once, not per record
		swaps = append(swaps, swap{quote(old), quote(repl)})
	}
	changed := false
	f, size, err := spool(ctx, rd, tmp, func(line int, raw []byte, err error) ([]byte, error) {
		if e.Drop[rel][line] {
			changed = true
			return nil, nil // also an unreadable line: dropping it is the fix
		}
		if err != nil {
			return nil, err
		}
		for _, sw := range swaps {
			if bytes.Contains(raw, sw.old) {
				raw, changed = bytes.ReplaceAll(raw, sw.old, sw.repl), true
			}
		}
		return raw, nil
	})
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if !changed {
		return copyEntry(aw, dir, entry)
	}
	return aw.AddFile(filepath.ToSlash(entry.Path), size, f)
}

// spool writes what fn makes of each record of rd (nil: left out) to a
// temporary file in tmp, one a line, and returns it rewound, with its
// size; the caller closes and removes it. fn is also given the errors of
// unreadable records, and decides.
func spool(ctx context.Context, rd *RelationReader, tmp string,
	fn func(line int, raw []byte, err error) ([]byte, error)) (*os.File, int64, error) {
	f, err := os.CreateTemp(tmp, ".ferry-spool-*")
	if err != nil {
		return nil, 0, err
	}
	fail := func(err error) (*os.File, int64, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, err
	}
	var size int64
	for {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		line, raw, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		out, err := fn(line, raw, err)
		if err != nil {
			return fail(err)
		}
		if out == nil {
			continue
		}
		// out may sit in the reader's buffer: never append to it.
		if _, err := f.Write(out); err != nil {
			return fail(err)
		}
		if _, err := f.Write([]byte{'\n'}); err != nil {
			return fail(err)
		}
		size += int64(len(out)) + 1
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	return f, size, nil
}

// quote is s as a JSON string.
func quote(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}

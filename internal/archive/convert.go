package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Convert writes to w the archive extracted in dir (m is what Extract
// returned) in the layout current GitLab imports: VERSION 0.2.4, the
// project's attributes in tree/project.json and each relation in
// tree/project/<relation>.ndjson, from a legacy project.json or from an
// older NDJSON archive. Attributes and records go through the export
// filter (ExportTree: what GitLab's exporter writes; relations it never
// writes are left out). Everything else (bundles, uploads, LFS objects)
// is copied byte for byte. Relations go through temporary files in tmp,
// one record at a time, so memory stays flat.
func Convert(ctx context.Context, dir string, m Manifest, w io.Writer, tmp string) error {
	src, err := openSource(dir, m)
	if err != nil {
		return err
	}
	defer src.close()
	aw := NewWriter(w)
	if err := aw.AddBytes(VersionFile, []byte(Version+"\n")); err != nil {
		return err
	}
	attrs, err := ExportTree.FilterAttributes(nil, src.attrs)
	if err != nil {
		return fmt.Errorf("convert %s: %w", ProjectFile, err)
	}
	if err := aw.AddBytes(ProjectFile, attrs); err != nil {
		return err
	}
	for _, name := range src.relations {
		if rel := ExportTree.Child(name); rel != nil {
			if err := convertRelation(ctx, aw, src, rel, tmp); err != nil {
				return fmt.Errorf("convert %s: %w", name, err)
			}
		}
	}
	for _, e := range m.Entries {
		if e.Dir || e.Path == VersionFile || e.Path == LegacyProjectFile || e.Path == TreeDir || strings.HasPrefix(e.Path, TreeDir+"/") {
			continue
		}
		if err := copyEntry(aw, dir, e); err != nil {
			return fmt.Errorf("convert %s: %w", e.Path, err)
		}
	}
	return aw.Close()
}

// source is the project of an extracted archive, in either layout.
type source struct {
	dir       string
	legacy    *Legacy
	attrs     []byte
	relations []string
}

func openSource(dir string, m Manifest) (*source, error) {
	s := &source{dir: dir}
	if m.HasTree {
		attrs, err := ReadProjectJSON(dir)
		if err == nil {
			s.attrs, err = json.Marshal(attrs)
		}
		if err == nil {
			s.relations, err = Relations(dir)
		}
		return s, err
	}
	if !m.HasLegacyProjectJSON {
		return nil, errors.New("the archive has neither tree/project.json nor project.json")
	}
	l, err := OpenLegacy(dir)
	if err != nil {
		return nil, err
	}
	s.legacy, s.relations = l, l.Relations()
	if s.attrs, err = json.Marshal(l.Attributes()); err != nil {
		l.Close()
		return nil, err
	}
	return s, nil
}

func (s *source) open(name string) (*RelationReader, error) {
	if s.legacy != nil {
		return s.legacy.Relation(name)
	}
	return OpenRelation(s.dir, name)
}

func (s *source) close() {
	if s.legacy != nil {
		s.legacy.Close()
	}
}

// convertRelation writes one relation's records, filtered, one a line.
func convertRelation(ctx context.Context, aw *Writer, src *source, rel *Relation, tmp string) error {
	rd, err := src.open(rel.Name)
	if err != nil {
		return err
	}
	defer rd.Close()
	var line []byte
	f, size, err := spool(ctx, rd, tmp, func(_ int, raw []byte, err error) ([]byte, error) {
		if err != nil {
			return nil, err
		}
		line, err = rel.Filter(line[:0], raw)
		return line, err
	})
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	return aw.AddFile(RelationDir+"/"+rel.Name+".ndjson", size, f)
}

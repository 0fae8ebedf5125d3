package exporter

import (
	"context"
	"fmt"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
)

// records is where a relation file's records come from besides the store:
// prepare (when set) rewrites each stored record before it is filtered,
// and more (when set) emits records after the stored ones.
type records struct {
	stored  bool
	prepare func(data []byte) []byte
	more    func(ctx context.Context, emit func(record []byte) error) error
}

// writeTree writes tree/project.json and tree/project/<relation>.ndjson as
// GitLab's exporter would: the relations of archive.ExportTree in its
// order, each record with only the keys GitLab writes (the store keeps
// every record as it was imported; the export filters). Relations GitLab
// no longer exports are left out. project_members always has a file;
// project_feature and ci_cd_settings, which every GitLab project has, get
// GitLab's defaults when none was imported.
func (w *Worker) writeTree(ctx context.Context, aw *archive.Writer, p ferry.Project, e *ferry.Export, scratch string) error {
	attrs, err := w.projectAttributes(ctx, p, e)
	if err != nil {
		return err
	}
	if err := aw.AddBytes(archive.ProjectFile, attrs); err != nil {
		return err
	}
	names, err := w.DB.RelationNames(ctx, p.ID)
	if err != nil {
		return err
	}
	stored := map[string]bool{}
	for _, n := range names {
		stored[n] = true
	}
	exporter, err := w.DB.UserByID(ctx, e.UserID)
	if err != nil {
		return err
	}
	sp := newSpool(scratch)
	defer sp.Close()
	for _, rel := range archive.ExportTree.Children {
		src := records{stored: stored[rel.Name]}
		switch def := defaultRecords[rel.Name]; {
		case rel.Name == "project_members":
			m := &memberLines{w: w, p: p, withEmails: exporter.IsAdmin, seen: map[string]bool{}}
			src.prepare, src.more = m.prepare, m.more
		case !src.stored && def != nil:
			src.more = func(_ context.Context, emit func([]byte) error) error { return emit(def(p)) }
		case !src.stored:
			continue
		}
		if err := w.writeRelation(ctx, aw, p, rel, src, sp); err != nil {
			return fmt.Errorf("export %s: %w", rel.Name, err)
		}
	}
	return nil
}

// writeRelation streams one relation into the archive: its stored records
// from a database cursor, then the ones src adds, each filtered to what
// GitLab writes, through a spool that gives the tar entry its size.
func (w *Worker) writeRelation(ctx context.Context, aw *archive.Writer, p ferry.Project, rel *archive.Relation,
	src records, sp *spool) error {
	if err := sp.reset(); err != nil {
		return err
	}
	var line []byte
	emit := func(record []byte) error {
		var err error
		if line, err = rel.Filter(line[:0], record); err != nil {
			return err
		}
		_, err = sp.Write(append(line, '\n'))
		return err
	}
	if src.stored {
		err := w.eachAhead(ctx, p.ID, rel.Name, func(data []byte) error {
			if src.prepare != nil {
				data = src.prepare(data)
			}
			return emit(data)
		})
		if err != nil {
			return err
		}
	}
	if src.more != nil {
		if err := src.more(ctx, emit); err != nil {
			return err
		}
	}
	return sp.addTo(aw, archive.RelationDir+"/"+rel.Name+".ndjson")
}

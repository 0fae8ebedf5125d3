package exporter

import (
	"context"
	"fmt"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/progress"
)

// records is where a relation file's records come from besides the store:
// prepare (when set) rewrites each stored record before it is filtered,
// and more (when set) emits records after the stored ones.
type records struct {
	stored  bool
	prepare func(data []byte) []byte
	more    func(ctx context.Context, emit func(record []byte) error) error
}

// relationFile is one tree/project/<relation>.ndjson to write.
type relationFile struct {
	rel *archive.Relation
	src records
}

// writeTree writes tree/project.json and tree/project/<relation>.ndjson as
// GitLab's exporter would: the relations of archive.ExportTree in its
// order, each record with only the keys GitLab writes (the store keeps
// every record as it was imported; the export filters). Relations GitLab
// no longer exports are left out. project_members always has a file;
// project_feature and ci_cd_settings, which every GitLab project has, get
// GitLab's defaults when none was imported.
func (w *Worker) writeTree(ctx context.Context, aw *archive.Writer, p ferry.Project, e *ferry.Export, scratch string,
	prog *progress.Recorder) error {
	attrs, err := w.projectAttributes(ctx, p, e)
	if err != nil {
		return err
	}
	if err := aw.AddBytes(archive.ProjectFile, attrs); err != nil {
		return err
	}
	files, err := w.relationFiles(ctx, p, e)
	if err != nil {
		return err
	}
	return w.writeRelations(ctx, aw, p, files, scratch, prog)
}

// relationFiles lists the relation files of p's export, in GitLab's order.
func (w *Worker) relationFiles(ctx context.Context, p ferry.Project, e *ferry.Export) ([]relationFile, error) {
	names, err := w.DB.RelationNames(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	stored := map[string]bool{}
	for _, n := range names {
		stored[n] = true
	}
	exporter, err := w.DB.UserByID(ctx, e.UserID)
	if err != nil {
		return nil, err
	}
	var files []relationFile
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
		files = append(files, relationFile{rel: rel, src: src})
	}
	return files, nil
}

// spooled is one relation file filled into a spool (or the error that
// stopped it).
type spooled struct {
	file relationFile
	sp   *spool
	err  error
}

// writeRelations writes files into the archive through two spools: a
// goroutine fills the next relation's spool while the last one is
// compressed into the archive, so filtering and compressing overlap.
func (w *Worker) writeRelations(ctx context.Context, aw *archive.Writer, p ferry.Project, files []relationFile, scratch string,
	prog *progress.Recorder) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	free, ready := make(chan *spool, 2), make(chan spooled)
	for range 2 {
		sp := newSpool(scratch)
		defer sp.Close()
		free <- sp
	}
	go func() {
		defer close(ready)
		for _, f := range files {
			var sp *spool
			select {
			case sp = <-free:
			case <-ctx.Done():
				return
			}
			err := w.spoolRelation(ctx, p, f, sp)
			select {
			case ready <- spooled{f, sp, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	written := 0
	for s := range ready {
		err := s.err
		prog.Step(ctx, StepRelations, s.file.rel.Name, written+1, len(files), 0)
		if err == nil {
			err = s.sp.addTo(aw, archive.RelationDir+"/"+s.file.rel.Name+".ndjson")
		}
		if err != nil {
			cancel()
			for range ready { // until the goroutine is done with the spools
			}
			return fmt.Errorf("export %s: %w", s.file.rel.Name, err)
		}
		written++
		free <- s.sp
	}
	if written < len(files) {
		return ctx.Err()
	}
	return nil
}

// spoolRelation fills sp with one relation file: its stored records read
// from the database, then the ones its source adds, each filtered to what
// GitLab writes.
func (w *Worker) spoolRelation(ctx context.Context, p ferry.Project, f relationFile, sp *spool) error {
	if err := sp.reset(); err != nil {
		return err
	}
	rel, src := f.rel, f.src
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
			if len(data) <= spoolMemory {
				return emit(data)
			}
			// A big record, read into a buffer of its own, is filtered in
			// place rather than copied into line (it goes to the spool's
			// file anyway): one near the 50 MB line limit is held once.
			out, err := rel.Filter(data[:0], data)
			if err == nil {
				_, err = sp.Write(out)
			}
			if err == nil {
				_, err = sp.Write([]byte{'\n'})
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	if src.more != nil {
		return src.more(ctx, emit)
	}
	return nil
}

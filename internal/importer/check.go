package importer

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/store"
)

// Report is what a dry run of an import (Check) learnt of an archive.
type Report struct {
	Version       string // VERSION
	GitLabVersion string // GITLAB_VERSION, "" when absent
	Legacy        bool   // the single project.json layout
	Name          string // the project's attributes
	Description   string
	// Relations are the relations present, in GitLab's import order,
	// with their record counts.
	Relations []RelationCount
	// Files is what the archive holds (sizes of bundles, uploads, LFS).
	Files archive.Manifest
	// Problems are the records the import would list in failed_relations.
	Problems []Problem
	// Members are the e-mails of the project's members (project_members),
	// by which an administrator's import maps them to local users.
	Members []string
}

// RelationCount is the number of records of one relation.
type RelationCount struct {
	Name    string `json:"name"`
	Records int64  `json:"records"`
}

// Problem is one record an import would not restore.
type Problem struct {
	Relation string `json:"relation_name"`
	Line     int    `json:"line_number"`
	Class    string `json:"exception_class"`
	Message  string `json:"exception_message"`
}

// Check is a dry run of an import of the archive read from src, storing
// nothing: the same safe extraction (into work, which must exist and is
// left holding the extracted tree for the caller to remove), within the
// limits of settings, the same version check, and every record read,
// cleaned and validated as the import does, in GitLab's order. It
// returns the error that would fail the import (with GitLab's message),
// along with what was learnt until then; records an import would skip are
// Report.Problems.
func Check(ctx context.Context, src io.Reader, work string, settings ferry.Settings, logger *slog.Logger) (*Report, error) {
	rep := &Report{}
	dir := filepath.Join(work, "archive")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return rep, err
	}
	w := &Worker{Logger: logger}
	m, err := w.extract(ctx, &ferry.Import{}, src, dir, settings)
	if err != nil {
		return rep, err
	}
	rep.Files = m
	rep.Version, _ = archive.ReadLine(dir, archive.VersionFile)
	rep.GitLabVersion, _ = archive.ReadLine(dir, archive.GitLabVersionFile)
	if err := checkVersion(dir); err != nil {
		return rep, err
	}
	r := &restore{dir: dir, catalog: newCatalog(0), users: map[int64]int64{}, sources: map[int64]*store.ImportUserMapping{}}
	attrs, err := r.attributes()
	if err != nil {
		return rep, permanent(err)
	}
	if r.legacy != nil {
		defer r.legacy.Close()
		rep.Legacy = true
	}
	rep.Name, rep.Description = stringAttr(attrs, "name"), stringAttr(attrs, "description")
	names, err := r.relationNames()
	if err != nil {
		return rep, permanent(err)
	}
	for _, name := range names {
		n, err := r.checkRelation(ctx, name, rep)
		rep.Relations = append(rep.Relations, RelationCount{Name: name, Records: n})
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// checkRelation reads, cleans and validates every record of one relation
// as relation does, storing nothing, and returns how many it read.
func (r *restore) checkRelation(ctx context.Context, name string, rep *Report) (int64, error) {
	rd, err := r.openRelation(name)
	if err != nil {
		return 0, permanent(err)
	}
	defer rd.Close()
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		line, raw, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, permanent(err)
		}
		n++
		raw = dropNULs(raw)
		if name == "project_members" && r.rec.reset(raw) == nil {
			if email := memberEmail(&r.rec); email != "" {
				rep.Members = append(rep.Members, email)
			}
		}
		_, _, err = r.prepare(ctx, name, raw)
		r.catalog.flushed() // nothing is stored: the titles are kept
		var re *RecordError
		if errors.As(err, &re) {
			rep.Problems = append(rep.Problems, Problem{Relation: name, Line: line, Class: re.Class, Message: re.Message})
		} else if err != nil {
			return n, err
		}
	}
}

// Failed reports whether err, from Check, is the archive's fault (the
// import would fail) rather than the machine's (a full disk, a
// cancellation).
func Failed(err error) bool {
	var perm *permanentError
	return errors.As(err, &perm)
}

// LayoutName is how a Report names its archive's layout.
func (rep *Report) LayoutName() string {
	if rep.Legacy {
		return "legacy project.json"
	}
	return "NDJSON"
}

// Size is the total size of the regular files under prefix (a file name,
// or a folder such as "uploads").
func (rep *Report) Size(prefix string) (files int, bytes int64) {
	for _, e := range rep.Files.Entries {
		if !e.Dir && (e.Path == prefix || strings.HasPrefix(e.Path, prefix+"/")) {
			files++
			bytes += e.Size
		}
	}
	return files, bytes
}

// CheckFile is Check of the archive file, extracted into a folder of tmp
// that is removed before it returns (also when ctx ends).
func CheckFile(ctx context.Context, file, tmp string, settings ferry.Settings, logger *slog.Logger) (*Report, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	work, err := os.MkdirTemp(tmp, ".ferry-check-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	return Check(ctx, f, work, settings, logger)
}

package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/git"
	"github.com/ferryhq/ferry/internal/progress"
	"github.com/ferryhq/ferry/internal/store"
)

// A transaction stores at most BatchSize records and, unless one record
// alone is bigger, BatchBytes of them: a batch of big records is bounded
// by bytes, not only by count.
const (
	BatchSize  = 500
	BatchBytes = 8 << 20
)

// restore is one attempt at restoring an extracted archive.
type restore struct {
	w       *Worker
	im      *ferry.Import
	dir     string
	logger  *slog.Logger
	prog    *progress.Recorder
	project ferry.Project
	user    ferry.User
	legacy  *archive.Legacy
	// users maps the archive's user ids to local users (see users.go).
	users map[int64]int64
	// sources is what each archive user became, and its contributions.
	sources map[int64]*store.ImportUserMapping
	// catalog holds the project's labels and milestones (catalog.go).
	catalog *catalog
	// openIssues counts the open issues stored (open_issues_count).
	openIssues int64
	// row is the read model's row of the record prepared last, if it
	// has one (index.go).
	row  *store.Issuable
	rec  record // the record being prepared, reused
	refs record // the cleaned record whose references are found, reused
	// drops remove the repositories the restored ones replaced.
	drops []func()
}

func (r *restore) run(ctx context.Context) error {
	defer func() {
		for _, drop := range r.drops {
			if drop != nil {
				drop()
			}
		}
	}()
	var err error
	if r.project, err = r.w.DB.ProjectByID(ctx, r.im.ProjectID); err != nil {
		return err
	}
	if r.user, err = r.w.DB.UserByID(ctx, r.im.UserID); err != nil {
		return err
	}
	r.catalog = newCatalog(r.project.ID)
	attrs, err := r.attributes()
	if err != nil {
		return permanent(err)
	}
	if r.legacy != nil {
		defer r.legacy.Close()
	}
	r.prog.Step(ctx, StepRepositories, "", 0, 0, r.bundlesSize())
	if err := r.repositories(ctx, attrs); err != nil {
		return err
	}
	r.prog.Step(ctx, StepProject, "", 0, 0, 0)
	if err := r.saveProject(ctx, attrs); err != nil {
		return err
	}
	if err := r.loadUsers(ctx); err != nil {
		return err
	}
	if err := r.relations(ctx); err != nil {
		return err
	}
	if err := r.fixMilestoneIIDs(ctx); err != nil {
		return err
	}
	started := time.Now()
	if err := r.w.DB.Tx(ctx, func(tx *store.Tx) error { return tx.IndexIssuableSearch(ctx, r.project.ID) }); err != nil {
		return err
	}
	r.logger.Info("search index built", "duration", time.Since(started).Round(time.Millisecond))
	if err := r.saveUserMappings(ctx); err != nil {
		return err
	}
	if err := r.w.DB.SetOpenIssuesCount(ctx, r.project.ID, r.openIssues); err != nil {
		return err
	}
	if err := r.ensureImporterMember(ctx); err != nil {
		return err
	}
	r.prog.Step(ctx, StepFiles, "", 0, 0, 0)
	return r.files(ctx)
}

// attributes reads tree/project.json, or the attributes of a legacy
// project.json.
func (r *restore) attributes() (map[string]json.RawMessage, error) {
	if _, err := os.Lstat(filepath.Join(r.dir, archive.ProjectFile)); err == nil {
		return archive.ReadProjectJSON(r.dir)
	}
	if _, err := os.Lstat(filepath.Join(r.dir, "project.json")); err == nil {
		legacy, err := archive.OpenLegacy(r.dir)
		if err != nil {
			return nil, err
		}
		r.legacy = legacy
		return legacy.Attributes(), nil
	}
	return nil, errors.New("invalid import format: the archive has no tree/project.json")
}

// repositories restores project.bundle (and the wiki) with git; no bundle
// leaves an empty repository. Each is built beside the one in place and
// swapped in whole, so the project's readers never meet a missing or half
// restored repository; the old one goes when the attempt ends.
func (r *restore) repositories(ctx context.Context, attrs map[string]json.RawMessage) error {
	branch := r.project.DefaultBranch
	if b := stringAttr(attrs, "default_branch"); b != "" && ferry.ValidBranchName(b) {
		branch = b
	}
	bundle := filepath.Join(r.dir, archive.BundleFile)
	drop, err := r.w.Repos.Replace(ctx, r.w.Repos.Dir(r.project.ID), func(tmp string) (err error) {
		branch, err = buildRepository(ctx, tmp, bundle, branch)
		return err
	})
	if err != nil {
		return err
	}
	r.drops = append(r.drops, drop)
	r.project.DefaultBranch = branch
	r.restored(ctx, bundle)
	wiki, wikiBundle := r.w.Repos.WikiDir(r.project.ID), filepath.Join(r.dir, archive.WikiBundleFile)
	if _, err := os.Lstat(wikiBundle); err != nil {
		return os.RemoveAll(wiki) // an earlier attempt's; a wiki is made on first use
	}
	drop, err = r.w.Repos.Replace(ctx, wiki, func(tmp string) error {
		_, err := buildRepository(ctx, tmp, wikiBundle, "main")
		return err
	})
	r.drops = append(r.drops, drop)
	if err == nil {
		r.restored(ctx, wikiBundle)
	}
	return err
}

// bundlesSize is the bytes of the bundles the repositories step restores
// (project and wiki), its progress total.
func (r *restore) bundlesSize() int64 {
	var n int64
	for _, name := range []string{archive.BundleFile, archive.WikiBundleFile} {
		n += regularSize(filepath.Join(r.dir, name))
	}
	return n
}

// restored counts bundle's bytes as the step's progress once git has
// restored it (git reads the file itself, so no finer count exists).
func (r *restore) restored(ctx context.Context, bundle string) {
	if n := regularSize(bundle); n > 0 {
		r.prog.Add(ctx, n)
		r.prog.Flush(ctx)
	}
}

// regularSize is the size of the regular file at path, 0 for anything else.
func regularSize(path string) int64 {
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
		return fi.Size()
	}
	return 0
}

// buildRepository makes the repository dir from bundle with HEAD at
// branch or, when the bundle has no such branch, at main, master or its
// first branch. It returns the branch HEAD names.
func buildRepository(ctx context.Context, dir, bundle, branch string) (string, error) {
	if err := git.Init(ctx, dir, branch); err != nil {
		return branch, err
	}
	if err := fetchBundle(ctx, dir, bundle); err != nil {
		return branch, err
	}
	branches, err := git.Branches(ctx, dir)
	if err != nil || len(branches) == 0 || contains(branches, branch) {
		return branch, err
	}
	branch = branches[0]
	for _, b := range []string{"main", "master"} {
		if contains(branches, b) {
			branch = b
			break
		}
	}
	return branch, git.SetDefaultBranch(ctx, dir, branch)
}

// fetchBundle restores bundle into dir; a missing bundle is nothing to
// do. Anything at the bundle's path that is not a valid bundle file (a
// "gitdir:" file or a directory pointing at another repository, a broken
// or empty bundle) fails the import before git reads it.
func fetchBundle(ctx context.Context, dir, bundle string) error {
	if _, err := os.Lstat(bundle); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := git.Unbundle(ctx, dir, bundle); err != nil {
		if ctx.Err() != nil {
			return err
		}
		return permanent(fmt.Errorf("%s: %w", filepath.Base(bundle), err))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func stringAttr(attrs map[string]json.RawMessage, key string) string {
	var s string
	_ = json.Unmarshal(attrs[key], &s)
	return s
}

// copyFile streams path into w.
func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// batch is the cleaned records of one relation waiting to be stored.
type batch struct {
	relation string
	first    int64 // position of records[0]
	records  []string
	index    []store.Issuable // rows of the read model, Position relative to first
	bytes    int
	restored int // records restored since the last store: stored in it or by the catalog
}

// push counts a restored record and adds it to the batch when keep is
// set, storing the batch first if the record would take it past
// BatchBytes, and after if it is then full (the labels and milestones
// the catalog created count too).
func (r *restore) push(ctx context.Context, b *batch, rec string, keep bool) error {
	if keep && len(b.records) > 0 && b.bytes+len(rec) > BatchBytes {
		if err := r.storeBatch(ctx, b); err != nil {
			return err
		}
	}
	if keep {
		b.records = append(b.records, rec)
		b.bytes += len(rec)
		if r.row != nil {
			r.row.Position = int64(len(b.records) - 1)
			b.index = append(b.index, *r.row)
		}
	}
	b.restored++
	if len(b.records)+len(r.catalog.pending) < BatchSize && b.bytes < BatchBytes {
		return nil
	}
	return r.storeBatch(ctx, b)
}

// storeBatch stores a batch, with the labels and milestones created since
// the last one, in one transaction, advances the counts and empties it.
func (r *restore) storeBatch(ctx context.Context, b *batch) error {
	big := b.bytes > 2*BatchBytes // the batch passes BatchBytes only by its last record
	if big {
		releaseMemory() // the line and the cleaning's copies of the record
	}
	err := r.w.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := r.catalog.flush(ctx, tx); err != nil {
			return err
		}
		if err := tx.InsertRelationRecords(ctx, r.project.ID, b.relation, b.first, b.records); err != nil {
			return err
		}
		clear(b.records) // stored: let them go before the index copies their descriptions
		if big {
			releaseMemory()
		}
		for i := range b.index {
			b.index[i].Position += b.first
		}
		return tx.InsertIssuables(ctx, b.index)
	})
	if err != nil {
		return err
	}
	r.catalog.flushed()
	r.im.Stats.Imported[b.relation] += int64(b.restored)
	b.first += int64(len(b.records))
	b.records, b.index, b.bytes, b.restored = b.records[:0], b.index[:0], 0, 0
	return r.w.DB.UpdateImport(ctx, r.im)
}

// releaseMemory collects the Go heap and returns its free memory to the
// system. storeBatch calls it for a batch with a big record, before the
// record is stored and again before its index row is: the database
// driver copies them (with SQLite into its C heap, which the process's
// soft memory limit does not count; a description about three times
// while its row is built), and without a collection the memory the Go
// heap grew to while the record was read and cleaned (its line, the
// cleaning's copies) stays resident beside those copies. A record of 48
// MiB peaked at 264 MB without it.
func releaseMemory() { debug.FreeOSMemory() }

package importer

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
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
	return r.restoreAll(ctx, attrs)
}

// tree restores the project's attributes, members and relations, and
// what is derived from them (search index, user mappings, counts).
func (r *restore) tree(ctx context.Context, attrs map[string]json.RawMessage) error {
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
	return r.ensureImporterMember(ctx)
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
		if err := tx.InsertIssuables(ctx, b.index); err != nil {
			return err
		}
		r.im.Stats.Imported[b.relation] += int64(b.restored) // saved with the batch; a failed commit fails the attempt, whose next one counts anew
		return tx.UpdateImport(ctx, r.im)
	})
	if err != nil {
		return err
	}
	r.catalog.flushed()
	b.first += int64(len(b.records))
	b.records, b.index, b.bytes, b.restored = b.records[:0], b.index[:0], 0, 0
	return nil
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

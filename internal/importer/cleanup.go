package importer

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/store"
)

// StuckAfter fails an import that has not moved for this long; an attempt
// times out after 24 hours, and River retries a crashed one after 25.
const StuckAfter = 26 * time.Hour

// CleanupArgs is the periodic job that fails stuck imports, so that no
// import stays started forever, and deletes the archives failed imports
// kept for a retry.
type CleanupArgs struct{}

// Kind names the job in the queue.
func (CleanupArgs) Kind() string { return "project_import_cleanup" }

// CleanupWorker runs CleanupArgs.
type CleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	DB     *store.DB
	Blobs  blob.Store
	Logger *slog.Logger
	Now    func() time.Time
	// Enqueue inserts a follow-up job in tx (a failed overwrite's
	// temporary project's removal); nil leaves such projects.
	Enqueue func(ctx context.Context, tx *store.Tx, args river.JobArgs) error
}

// Work fails every import scheduled or started and not updated for
// StuckAfter, with GitLab's message, deletes the archives of imports
// failed for longer than ferry.FailedImportKeep, and forgets the dropped
// imports of failed overwrites older than ferry.DroppedImportLifetime.
func (w *CleanupWorker) Work(ctx context.Context, job *river.Job[CleanupArgs]) error {
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	stale, err := w.DB.StaleImports(ctx, now.Add(-StuckAfter).UTC())
	if err != nil {
		return err
	}
	drop := &Dropper{DB: w.DB, Blobs: w.Blobs, Enqueue: w.Enqueue, Logger: w.Logger}
	for _, im := range stale {
		im.Status = ferry.ImportFailed
		im.Error = errImportTimedOut.Error()
		w.Logger.WarnContext(ctx, "stuck import failed", "project_id", im.ProjectID)
		if im.OverwriteID != 0 && w.Enqueue != nil && drop.Drop(ctx, &im) {
			continue
		}
		if err := w.DB.UpdateImport(ctx, &im); errors.Is(err, ferry.ErrNotFound) {
			continue // deleted meanwhile
		} else if err != nil {
			return err
		}
		DropSource(ctx, w.DB, w.Blobs, &im, w.Logger)
	}
	if err := w.failStaleGroupImports(ctx, now); err != nil {
		return err
	}
	if _, err := w.DB.DeleteDroppedImports(ctx, now.Add(-ferry.DroppedImportLifetime).UTC()); err != nil {
		return err
	}
	return w.dropKeptArchives(ctx, now)
}

// failStaleGroupImports fails the group imports that have not moved for
// StuckAfter, as project imports, and deletes their uploaded archives.
func (w *CleanupWorker) failStaleGroupImports(ctx context.Context, now time.Time) error {
	stale, err := w.DB.StaleGroupImports(ctx, now.Add(-StuckAfter).UTC())
	if err != nil {
		return err
	}
	gw := &GroupWorker{DB: w.DB, Blobs: w.Blobs, Logger: w.Logger}
	for _, im := range stale {
		w.Logger.WarnContext(ctx, "stuck group import failed", "group_id", im.GroupID)
		gw.fail(ctx, &im, errImportTimedOut)
	}
	return nil
}

// errImportTimedOut is GitLab's message for an import that took too long.
var errImportTimedOut = errors.New("Import timed out. Import took longer than 86400 seconds") //nolint:staticcheck // GitLab's message

// dropKeptArchives deletes the archives failed imports kept for a retry
// once they are ferry.FailedImportKeep old.
func (w *CleanupWorker) dropKeptArchives(ctx context.Context, now time.Time) error {
	kept, err := w.DB.FailedImportsHolding(ctx, now.Add(-ferry.FailedImportKeep).UTC())
	if err != nil {
		return err
	}
	for _, im := range kept {
		DropSource(ctx, w.DB, w.Blobs, &im, w.Logger)
	}
	return nil
}

// CleanupJob runs CleanupArgs every 15 minutes.
func CleanupJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(15*time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return CleanupArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

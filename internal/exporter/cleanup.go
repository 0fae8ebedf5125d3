package exporter

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

// Ages the cleanup job works with.
const (
	// StuckAfter fails an export that has not moved for this long (longer
	// than an attempt's timeout plus River's rescue of crashed jobs).
	StuckAfter = 8 * time.Hour
	// PruneAfter drops the records of failed exports (GitLab: 7 days).
	PruneAfter = 7 * 24 * time.Hour
)

// CleanupArgs is the periodic export maintenance job.
type CleanupArgs struct{}

// Kind names the job in the queue.
func (CleanupArgs) Kind() string { return "project_export_cleanup" }

// CleanupWorker removes expired export files (of projects and groups)
// with their records, fails stuck exports and prunes old failures.
type CleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	DB     *store.DB
	Blobs  blob.Store
	Logger *slog.Logger
	Now    func() time.Time
}

// Work runs one pass.
func (w *CleanupWorker) Work(ctx context.Context, job *river.Job[CleanupArgs]) error {
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	exports, err := w.DB.ExportsToClean(ctx, now, now.Add(-StuckAfter), now.Add(-PruneAfter))
	if err != nil {
		return err
	}
	for _, e := range exports {
		if e.Active() {
			e.Status, e.Error = ferry.ExportFailed, "the export stopped making progress and was abandoned"
			if err := w.DB.UpdateExport(ctx, &e); err != nil && !errors.Is(err, ferry.ErrNotFound) {
				return err
			}
			w.Logger.WarnContext(ctx, "stuck export failed", "export_id", e.ID)
			continue
		}
		if e.FileKey != "" {
			if err := w.Blobs.Delete(ctx, e.FileKey); err != nil {
				return err
			}
		}
		if err := w.DB.DeleteExport(ctx, e.ID); err != nil {
			return err
		}
		w.Logger.InfoContext(ctx, "export removed", "export_id", e.ID, "status", e.Status)
	}
	return w.cleanGroupExports(ctx, now)
}

// CleanupJob runs CleanupArgs every 15 minutes (so a file lives 24 h to
// 24 h 15 min).
func CleanupJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(15*time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return CleanupArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

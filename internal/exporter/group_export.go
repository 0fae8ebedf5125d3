package exporter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/correlation"
	"github.com/ferryhq/ferry/internal/jobs"
	"github.com/ferryhq/ferry/internal/metrics"
	"github.com/ferryhq/ferry/internal/store"
)

// GroupArgs is the group export job: export ExportID (a row of
// group_exports), the group and its sub-groups, as GitLab's
// GroupExportWorker does (app/workers/group_export_worker.rb).
type GroupArgs struct {
	ExportID      int64  `json:"export_id"`
	CorrelationID string `json:"correlation_id,omitempty"`
}

// Kind names the job in the queue.
func (GroupArgs) Kind() string { return "group_export" }

// InsertOpts gives group exports the project exports' attempts. GitLab
// does not retry a group export (retry: false); Ferry retries an attempt
// that a crash or a database error stopped, each attempt starting clean.
func (GroupArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: MaxAttempts} }

// GroupWorker runs group export jobs.
type GroupWorker struct {
	river.WorkerDefaults[GroupArgs]
	DB     *store.DB
	Blobs  blob.Store
	Logger *slog.Logger
	// TempDir holds each export's spool files while it is written.
	TempDir string
	// GitLabVersion is written to GITLAB_VERSION.
	GitLabVersion string
	Now           func() time.Time
	// Metrics records each attempt's end (nil: none).
	Metrics *metrics.Metrics
}

// Timeout bounds one attempt.
func (w *GroupWorker) Timeout(*river.Job[GroupArgs]) time.Duration { return 6 * time.Hour }

func (w *GroupWorker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Work writes the archive and records it. A finished or failed export is
// not redone; an export whose group was deleted is cancelled and leaves no
// file.
func (w *GroupWorker) Work(ctx context.Context, job *river.Job[GroupArgs]) error {
	ctx = correlation.WithID(ctx, job.Args.CorrelationID)
	e, err := w.DB.GroupExportByID(ctx, job.Args.ExportID)
	if errors.Is(err, ferry.ErrNotFound) {
		w.Logger.InfoContext(ctx, "group export abandoned: its group was deleted", "export_id", job.Args.ExportID)
		return river.JobCancel(fmt.Errorf("group export %d is gone", job.Args.ExportID))
	}
	if err != nil || !e.Active() {
		return err
	}
	if jobs.CancelRequested(job.JobRow) { // cancelled while its worker died
		w.fail(ctx, &e, errCancelled)
		return river.JobCancel(errCancelled)
	}
	logger := w.Logger.With("export_id", e.ID, "group_id", e.GroupID)
	kind := GroupArgs{}.Kind()
	start := time.Now()
	logger.InfoContext(ctx, "group export started", "attempt", job.Attempt)
	e.Attempts = job.Attempt
	if err := w.export(ctx, &e); err != nil {
		return w.failed(ctx, job, &e, err, start, logger)
	}
	logger.InfoContext(ctx, "group export finished", "file", e.FileName, "bytes", e.FileSize,
		"duration", time.Since(start).Round(time.Millisecond).String())
	w.Metrics.Job(kind, "finished", time.Since(start))
	w.Metrics.Bytes("exported", e.FileSize)
	return nil
}

// failed ends an attempt that err stopped: a shutdown resumes it later, a
// deleted group or a cancellation ends it, the last attempt records it
// failed, and any other attempt is retried.
func (w *GroupWorker) failed(ctx context.Context, job *river.Job[GroupArgs], e *ferry.GroupExport, err error,
	start time.Time, logger *slog.Logger) error {
	kind := GroupArgs{}.Kind()
	switch {
	case jobs.CancelledRemotely(ctx, err):
		logger.WarnContext(ctx, "group export cancelled by an administrator")
		w.Metrics.Job(kind, "cancelled", time.Since(start))
		w.fail(ctx, e, errCancelled)
		return river.JobCancel(errCancelled)
	case jobs.Interrupted(ctx, err):
		logger.WarnContext(ctx, "group export interrupted by a shutdown; it resumes at the next start")
		w.Metrics.Job(kind, "interrupted", time.Since(start))
		return jobs.Resume()
	}
	w.Metrics.Job(kind, "failed", time.Since(start))
	if _, gerr := w.DB.GroupExportByID(context.WithoutCancel(ctx), e.ID); errors.Is(gerr, ferry.ErrNotFound) {
		logger.InfoContext(ctx, "group export abandoned: its group was deleted", "error", err)
		return river.JobCancel(err)
	}
	logger.ErrorContext(ctx, "group export failed", "attempt", job.Attempt, "error", err)
	if job.Attempt >= job.MaxAttempts {
		w.fail(ctx, e, err)
		return river.JobCancel(err)
	}
	return err
}

// export writes the archive and marks e finished, replacing the user's
// older export file of the group (GitLab keeps one per user).
func (w *GroupWorker) export(ctx context.Context, e *ferry.GroupExport) error {
	started := w.now().UTC()
	e.Status, e.StartedAt = ferry.ExportStarted, &started
	if err := w.DB.UpdateGroupExport(ctx, e); err != nil {
		return err
	}
	g, err := w.DB.NamespaceByID(ctx, e.GroupID)
	if err != nil {
		return fmt.Errorf("group %d: %w", e.GroupID, err)
	}
	exporter, err := w.DB.UserByID(ctx, e.UserID)
	if err != nil {
		return err
	}
	name := Filename(w.now(), g.FullPath)
	key := blob.GroupExportKey(g.ID, e.ID, name)
	size, err := w.writeGroupArchive(ctx, g, exporter, key)
	if err != nil {
		return err
	}
	older, err := w.DB.GroupExports(ctx, e.GroupID, e.UserID)
	if err != nil {
		return err
	}
	finished := w.now().UTC()
	expires := finished.Add(ferry.ExportLifetime)
	e.Status, e.FileKey, e.FileName, e.FileSize = ferry.ExportFinished, key, name, size
	e.FinishedAt, e.ExpiresAt, e.Error = &finished, &expires, ""
	if err := w.DB.UpdateGroupExport(ctx, e); err != nil {
		// Gone (the group was deleted while it was written) or not
		// recorded: either way nobody will ever fetch or expire the file.
		w.deleteFile(ctx, e.ID, key)
		return err
	}
	for _, o := range older {
		if o.ID != e.ID && o.Status == ferry.ExportFinished {
			w.deleteFile(ctx, o.ID, o.FileKey)
			if err := w.DB.DeleteGroupExport(ctx, o.ID); err != nil {
				w.Logger.WarnContext(ctx, "delete group export record", "export_id", o.ID, "error", err)
			}
		}
	}
	return nil
}

func (w *GroupWorker) deleteFile(ctx context.Context, id int64, key string) {
	if err := w.Blobs.Delete(context.WithoutCancel(ctx), key); err != nil && !errors.Is(err, blob.ErrNotFound) {
		w.Logger.WarnContext(ctx, "delete group export file", "export_id", id, "error", err)
	}
}

// fail records err as the reason e failed (even when ctx ended).
func (w *GroupWorker) fail(ctx context.Context, e *ferry.GroupExport, err error) {
	ctx = context.WithoutCancel(ctx)
	e.Status, e.Error = ferry.ExportFailed, err.Error()
	if uerr := w.DB.UpdateGroupExport(ctx, e); uerr != nil && !errors.Is(uerr, ferry.ErrNotFound) {
		w.Logger.ErrorContext(ctx, "record failed group export", "export_id", e.ID, "error", uerr)
	}
}

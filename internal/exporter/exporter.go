// Package exporter runs project exports: a durable River job that writes a
// project as a GitLab export archive (VERSION, tree/project.json, one
// NDJSON file per relation, project.bundle, ...) streamed straight into
// blob storage, then, when asked, sends the archive to the caller's
// upload URL. A periodic job expires archives after 24 hours and fails
// exports that stopped moving.
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
	"github.com/ferryhq/ferry/internal/progress"
	"github.com/ferryhq/ferry/internal/repos"
	"github.com/ferryhq/ferry/internal/secret"
	"github.com/ferryhq/ferry/internal/ssrf"
	"github.com/ferryhq/ferry/internal/store"
)

// MaxAttempts is how often an export is tried, as GitLab's export worker.
const MaxAttempts = 3

// Args is the export job: export ExportID (a row of project_exports).
type Args struct {
	ExportID      int64  `json:"export_id"`
	CorrelationID string `json:"correlation_id,omitempty"`
}

// Kind names the job in the queue.
func (Args) Kind() string { return "project_export" }

// InsertOpts gives export jobs GitLab's retry count.
func (Args) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: MaxAttempts} }

// Worker runs export jobs.
type Worker struct {
	river.WorkerDefaults[Args]
	DB     *store.DB
	Blobs  blob.Store
	Repos  *repos.Store
	Box    *secret.Box
	Logger *slog.Logger
	// Outbound is the SSRF policy for upload URLs, as the settings ask for
	// it now, with the roots Ferry trusts.
	Outbound func(ctx context.Context) (ssrf.Policy, error)
	// TempDir holds each export's scratch files while it is written.
	TempDir string
	// GitLabVersion is written to GITLAB_VERSION.
	GitLabVersion string
	Now           func() time.Time
	// Metrics records each attempt's end (nil: none).
	Metrics *metrics.Metrics
	// Transfers bound the uploads this process sends at once (nil: no
	// bound); they are shared with remote-import downloads.
	Transfers *jobs.Slots
}

// Timeout bounds one attempt; a longer export is failed and retried.
func (w *Worker) Timeout(*river.Job[Args]) time.Duration { return 6 * time.Hour }

// errCancelled ends an export an administrator cancelled.
var errCancelled = errors.New(ferry.ExportCancelled)

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Work writes the archive, records it, and uploads it when asked. A
// finished export is not redone (a retried job is harmless). The export
// is marked failed when its last attempt fails.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	ctx = correlation.WithID(ctx, job.Args.CorrelationID)
	e, err := w.DB.ExportByID(ctx, job.Args.ExportID)
	if errors.Is(err, ferry.ErrNotFound) {
		w.Logger.InfoContext(ctx, "export abandoned: its project was deleted", "export_id", job.Args.ExportID)
		return river.JobCancel(fmt.Errorf("export %d is gone", job.Args.ExportID))
	}
	logger := w.Logger.With("export_id", e.ID, "project_id", e.ProjectID)
	if err == nil && e.Status == ferry.ExportFinished && e.UploadURL != "" &&
		(e.UploadStatus == ferry.UploadPending || e.UploadStatus == ferry.UploadStarted) {
		return w.sendArchive(ctx, &e, logger) // made, but not sent yet (no free slot, or a restart)
	}
	if err != nil || e.Status == ferry.ExportFinished || e.Status == ferry.ExportFailed {
		return err
	}
	if jobs.CancelRequested(job.JobRow) { // cancelled while its worker died
		w.fail(ctx, &e, errCancelled)
		return river.JobCancel(errCancelled)
	}
	if importing, err := w.importRunning(ctx, &e); err != nil || importing {
		return w.waitOrGone(ctx, &e, err, logger)
	}
	start := time.Now()
	logger.InfoContext(ctx, "export started", "attempt", job.Attempt)
	e.Attempts = job.Attempt
	if err := w.export(ctx, &e); err != nil {
		if jobs.CancelledRemotely(ctx, err) {
			logger.WarnContext(ctx, "export cancelled by an administrator")
			w.Metrics.Job(Args{}.Kind(), "cancelled", time.Since(start))
			w.fail(ctx, &e, errCancelled)
			return river.JobCancel(errCancelled)
		}
		if jobs.Interrupted(ctx, err) {
			logger.WarnContext(ctx, "export interrupted by a shutdown; it resumes at the next start")
			w.Metrics.Job(Args{}.Kind(), "interrupted", time.Since(start))
			return jobs.Resume()
		}
		w.Metrics.Job(Args{}.Kind(), "failed", time.Since(start))
		if w.gone(ctx, e.ID) {
			logger.InfoContext(ctx, "export abandoned: its project was deleted", "error", err)
			return river.JobCancel(err)
		}
		logger.ErrorContext(ctx, "export failed", "attempt", job.Attempt, "error", err)
		if job.Attempt >= job.MaxAttempts || errors.Is(err, ferry.ErrNotFound) {
			w.fail(ctx, &e, err)
			return river.JobCancel(err)
		}
		return err
	}
	logger.InfoContext(ctx, "export finished", "file", e.FileName, "bytes", e.FileSize,
		"duration", time.Since(start).Round(time.Millisecond).String())
	w.Metrics.Job(Args{}.Kind(), "finished", time.Since(start))
	w.Metrics.Bytes("exported", e.FileSize)
	if e.UploadURL != "" {
		return w.sendArchive(ctx, &e, logger)
	}
	return nil
}

// export writes the archive and marks e finished, replacing the user's
// older export file.
func (w *Worker) export(ctx context.Context, e *ferry.Export) error {
	started := w.now().UTC()
	e.Status, e.StartedAt = ferry.ExportStarted, &started
	if err := w.DB.UpdateExport(ctx, e); err != nil {
		return err
	}
	p, err := w.DB.ProjectByID(ctx, e.ProjectID)
	if err != nil {
		return fmt.Errorf("project %d: %w", e.ProjectID, err)
	}
	name := Filename(w.now(), p.FullPath())
	key := blob.ExportKey(p.ID, e.ID, name)
	size, err := w.writeArchive(ctx, p, e, key, w.recorder(e))
	if err != nil {
		return err
	}
	older, err := w.DB.Exports(ctx, e.ProjectID, e.UserID)
	if err != nil {
		return err
	}
	finished := w.now().UTC()
	expires := finished.Add(ferry.ExportLifetime)
	e.Status, e.FileKey, e.FileName, e.FileSize = ferry.ExportFinished, key, name, size
	e.FinishedAt, e.ExpiresAt, e.Error = &finished, &expires, ""
	if err := w.DB.UpdateExport(ctx, e); err != nil {
		// Gone (the project was deleted while it was written) or not
		// recorded: either way nobody will ever fetch or expire the file.
		if derr := w.Blobs.Delete(context.WithoutCancel(ctx), key); derr != nil {
			w.Logger.WarnContext(ctx, "delete unrecorded export file", "export_id", e.ID, "error", derr)
		}
		return err
	}
	for _, o := range older {
		if o.ID != e.ID && o.Status == ferry.ExportFinished {
			w.remove(ctx, o)
		}
	}
	return nil
}

// The steps of an export, in order, as its progress shows them.
const (
	StepTree         = "tree"         // VERSION files and tree/project.json
	StepRelations    = "relations"    // item is the relation file, of item_count
	StepRepositories = "repositories" // the repository and wiki bundles
	StepFiles        = "files"        // uploads, LFS objects and kept files
	StepUploading    = "uploading"    // to upload[url]: bytes sent of the archive
)

// recorder records e's progress; done_bytes count what a step wrote to
// the archive (compressed).
func (w *Worker) recorder(e *ferry.Export) *progress.Recorder {
	return &progress.Recorder{Now: w.Now, Save: func(ctx context.Context, p *ferry.Progress) error {
		return w.DB.SetExportProgress(ctx, e.ID, p)
	}}
}

// fail records err as the reason e failed (even when ctx ended).
func (w *Worker) fail(ctx context.Context, e *ferry.Export, err error) {
	ctx = context.WithoutCancel(ctx)
	e.Status, e.Error = ferry.ExportFailed, err.Error()
	if e.UploadStatus == ferry.UploadPending {
		e.UploadStatus, e.UploadError = ferry.UploadFailed, "the export failed"
	}
	if uerr := w.DB.UpdateExport(ctx, e); uerr != nil {
		w.Logger.ErrorContext(ctx, "record failed export", "export_id", e.ID, "error", uerr)
	}
}

// remove deletes an export's file and record.
func (w *Worker) remove(ctx context.Context, e ferry.Export) {
	if e.FileKey != "" {
		if err := w.Blobs.Delete(ctx, e.FileKey); err != nil {
			w.Logger.WarnContext(ctx, "delete export file", "export_id", e.ID, "error", err)
			return
		}
	}
	if err := w.DB.DeleteExport(ctx, e.ID); err != nil {
		w.Logger.WarnContext(ctx, "delete export record", "export_id", e.ID, "error", err)
	}
}

// Package importer restores GitLab export archives into projects: a durable
// River job that fetches the archive, extracts it safely (archive.Extract),
// checks its version, restores the repositories from their bundles with
// the real git, stores every relation record (cleaned of ids, foreign keys
// and secrets, as GitLab's importer does) in bounded transactions, finds
// or creates the labels and milestones records name (catalog.go), maps
// members to local users, and keeps per-relation counts that the import
// status shows while it runs. A record that cannot be restored becomes a
// failed relation and the import goes on; an archive that cannot be read
// fails the import with a clear import_error. Every attempt starts by
// removing what an earlier one stored, so a retried or resumed import never
// duplicates anything.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/correlation"
	"github.com/ferryhq/ferry/internal/jobs"
	"github.com/ferryhq/ferry/internal/metrics"
	"github.com/ferryhq/ferry/internal/progress"
	"github.com/ferryhq/ferry/internal/repos"
	"github.com/ferryhq/ferry/internal/store"
)

// MaxAttempts is how often an import is tried before it fails.
const MaxAttempts = 3

// Args is the import job of one project.
type Args struct {
	ProjectID     int64  `json:"project_id"`
	CorrelationID string `json:"correlation_id,omitempty"`
}

// Kind names the job in the queue.
func (Args) Kind() string { return "project_import" }

// InsertOpts sets the retry count.
func (Args) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: MaxAttempts} }

// Worker runs import jobs.
type Worker struct {
	river.WorkerDefaults[Args]
	DB     *store.DB
	Blobs  blob.Store
	Repos  *repos.Store
	Logger *slog.Logger
	// TempDir holds each import's extracted archive while it runs.
	TempDir string
	// Fetchers get archives from remote sources (by ferry.Import.Source).
	Fetchers map[string]Fetcher
	// Metrics records each attempt's end (nil: none).
	Metrics *metrics.Metrics
	// Transfers bound the remote archives this process downloads at once
	// (nil: no bound); they are shared with export uploads.
	Transfers *jobs.Slots
	// Enqueue inserts a follow-up job in tx (the old project's removal
	// after an overwrite).
	Enqueue func(ctx context.Context, tx *store.Tx, args river.JobArgs) error
}

// Fetcher copies a remote import's archive to w, enforcing maxBytes (0 =
// unlimited). An error with a Permanent() bool method that returns true
// says a retry cannot help (the file is missing, too large or not an
// archive): the import fails at once.
type Fetcher interface {
	Fetch(ctx context.Context, im ferry.Import, w io.Writer, maxBytes int64) error
}

// Timeout bounds one attempt, as GitLab's 24-hour import limit.
func (w *Worker) Timeout(*river.Job[Args]) time.Duration { return 24 * time.Hour }

// The steps of an import, in order, as its progress shows them.
const (
	StepDownloading  = "downloading"  // a remote archive, into the work folder
	StepExtracting   = "extracting"   // bytes of the (compressed) archive read
	StepRepositories = "repositories" // the bundles, restored with git
	StepProject      = "project"      // the project's attributes and members
	StepRelations    = "relations"    // item is the relation, of item_count
	StepFiles        = "files"        // uploads, LFS objects and kept files
	StepFinishing    = "finishing"    // marked finished, an overwrite swapped
)

// errCancelled ends an import an administrator cancelled.
var errCancelled = errors.New(ferry.ImportCancelled)

// permanentError marks failures a retry cannot fix (a bad archive).
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err} }

// Work runs the import. A finished or failed import is left alone.
func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	ctx = correlation.WithID(ctx, job.Args.CorrelationID)
	im, err := w.DB.ImportOf(ctx, job.Args.ProjectID)
	if errors.Is(err, ferry.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("import of project %d is gone", job.Args.ProjectID))
	}
	if err != nil || im.Ended() {
		return err
	}
	if jobs.CancelRequested(job.JobRow) { // cancelled while its worker died
		w.fail(ctx, &im, errCancelled)
		return river.JobCancel(errCancelled)
	}
	release, ok := w.takeTransfer(im)
	if !ok {
		return jobs.Busy()
	}
	defer release()
	logger := w.Logger.With("project_id", im.ProjectID, "source", sourceName(im.Source), "attempt", job.Attempt)
	if p, perr := w.DB.ProjectByID(ctx, im.ProjectID); perr == nil {
		logger = logger.With("project", p.FullPath())
	}
	start := time.Now()
	if im.Status == ferry.ImportStarted {
		logger.InfoContext(ctx, "import resumed: an earlier attempt did not finish, so this one starts clean")
	} else {
		logger.InfoContext(ctx, "import started")
	}
	im.Attempts = job.Attempt
	err = w.run(ctx, &im, logger, release)
	if err == nil {
		failed, _ := w.DB.ImportFailureCount(ctx, im.ProjectID, im.CorrelationID)
		logger.InfoContext(ctx, "import finished", "duration", time.Since(start).Round(time.Millisecond).String(),
			"records", total(im.Stats.Imported), "relations", len(im.Stats.Imported), "failed_relations", failed)
		w.Metrics.Job(Args{}.Kind(), "finished", time.Since(start))
		w.Metrics.Imported(total(im.Stats.Imported), failed)
		w.markReachable(ctx, im.ProjectID, logger)
		return nil
	}
	if jobs.CancelledRemotely(ctx, err) {
		logger.WarnContext(ctx, "import cancelled by an administrator",
			"after", time.Since(start).Round(time.Millisecond).String())
		w.Metrics.Job(Args{}.Kind(), "cancelled", time.Since(start))
		w.fail(ctx, &im, errCancelled)
		return river.JobCancel(errCancelled)
	}
	if jobs.Interrupted(ctx, err) {
		logger.WarnContext(ctx, "import interrupted by a shutdown; it resumes at the next start",
			"after", time.Since(start).Round(time.Millisecond).String())
		w.Metrics.Job(Args{}.Kind(), "interrupted", time.Since(start))
		return jobs.Resume()
	}
	w.Metrics.Job(Args{}.Kind(), "failed", time.Since(start))
	if w.gone(ctx, im.ProjectID) {
		logger.InfoContext(ctx, "import abandoned: its project was deleted", "error", err)
		w.discard(ctx, im.ProjectID)
		return river.JobCancel(err)
	}
	var perm *permanentError
	// A value the store refuses (store.IsDataError) is refused again at
	// every attempt: it fails the import at once, as a bad archive does.
	last := job.Attempt >= job.MaxAttempts || errors.As(err, &perm) || store.IsDataError(err)
	logger.ErrorContext(ctx, "import failed", "attempt", job.Attempt, "final", last, "error", err)
	if !last {
		return err
	}
	w.fail(ctx, &im, err)
	return river.JobCancel(err)
}

// takeTransfer takes a transfer slot for a remote import's download and
// returns the function that gives it back (once the download is over; it
// may be called again). ok is false when no slot is free. An uploaded
// archive needs no slot.
func (w *Worker) takeTransfer(im ferry.Import) (release func(), ok bool) {
	if im.Source == ferry.SourceFile || im.Source == "" {
		return func() {}, true
	}
	if !w.Transfers.TryTake() {
		return nil, false
	}
	return sync.OnceFunc(w.Transfers.Release), true
}

// sourceName is how an import's source shows in logs.
func sourceName(source string) string {
	if source == "" {
		return ferry.SourceFile
	}
	return source
}

// total adds counts up.
func total(counts map[string]int64) int64 {
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}

// run does one attempt: fetch (then call fetched) and extract, then
// restore, then finish.
func (w *Worker) run(ctx context.Context, im *ferry.Import, logger *slog.Logger, fetched func()) error {
	im.Status, im.Error = ferry.ImportStarted, ""
	im.Stats = ferry.ImportStats{Fetched: map[string]int64{}, Imported: map[string]int64{}}
	if err := w.DB.UpdateImport(ctx, im); err != nil {
		return err
	}
	if err := w.DB.SetImportProgress(ctx, im.ProjectID, nil); err != nil { // an earlier attempt's
		return err
	}
	if im.OverwriteID != 0 {
		// GitLab checks at the end; checking first too spares a long
		// import that could only fail. finish checks again.
		if err := w.checkOverwrite(ctx, im); err != nil {
			return err
		}
	}
	if err := w.DB.ResetImportedData(ctx, im.ProjectID); err != nil {
		return err
	}
	work, err := os.MkdirTemp(w.TempDir, fmt.Sprintf("import-%d-*", im.ProjectID))
	if err != nil {
		return fmt.Errorf("work folder: %w", err)
	}
	defer os.RemoveAll(work)
	settings, err := w.DB.Settings(ctx)
	if err != nil {
		return err
	}
	prog := &progress.Recorder{Save: func(ctx context.Context, p *ferry.Progress) error {
		return w.DB.SetImportProgress(ctx, im.ProjectID, p)
	}}
	dir, err := w.unpack(ctx, im, work, settings, prog, fetched)
	if err != nil {
		return err
	}
	r := &restore{w: w, im: im, dir: dir, logger: logger, prog: prog}
	if err := r.run(ctx); err != nil {
		return err
	}
	prog.Step(ctx, StepFinishing, "", 0, 0, 0)
	return w.finish(ctx, im, logger)
}

// fail records err as the import_error (even when ctx ended: a timed-out
// attempt still records why). An uploaded archive is kept for
// ferry.FailedImportKeep, so that an administrator can retry the import;
// a remote source (and its credentials) is forgotten at once. An
// overwrite's temporary project is removed instead, with its record and
// archive (ferry.DroppedImport keeps the failure).
func (w *Worker) fail(ctx context.Context, im *ferry.Import, err error) {
	ctx = context.WithoutCancel(ctx)
	im.Status, im.Error = ferry.ImportFailed, err.Error()
	if im.OverwriteID != 0 && w.dropper().Drop(ctx, im) {
		return
	}
	im.SourceData = ""
	if uerr := w.DB.UpdateImport(ctx, im); uerr != nil {
		w.Logger.ErrorContext(ctx, "record failed import", "project_id", im.ProjectID, "error", uerr)
	}
}

func (w *Worker) dropper() *Dropper {
	return &Dropper{DB: w.DB, Blobs: w.Blobs, Enqueue: w.Enqueue, Logger: w.Logger}
}

// dropUpload deletes the uploaded archive and forgets the remote source
// (and so any credentials) once the import has ended.
func (w *Worker) dropUpload(ctx context.Context, im *ferry.Import) {
	DropSource(ctx, w.DB, w.Blobs, im, w.Logger)
}

// DropSource deletes an ended import's uploaded archive and forgets its
// remote source.
func DropSource(ctx context.Context, db *store.DB, blobs blob.Store, im *ferry.Import, logger *slog.Logger) {
	if im.UploadKey == "" && im.SourceData == "" {
		return
	}
	if im.UploadKey != "" {
		if err := blobs.Delete(ctx, im.UploadKey); err != nil {
			logger.WarnContext(ctx, "delete import upload", "project_id", im.ProjectID, "error", err)
			return
		}
	}
	im.UploadKey, im.SourceData = "", ""
	if err := db.ForgetImportSource(ctx, im.ProjectID); err != nil {
		logger.WarnContext(ctx, "forget import source", "project_id", im.ProjectID, "error", err)
	}
}

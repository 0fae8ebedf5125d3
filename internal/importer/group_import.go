package importer

// The group import job: GitLab's GroupImportWorker running
// Groups::ImportExport::ImportService. Followed, in gitlabhq/gitlabhq
// (GitLab 17.x-18.x master; the mirror commit of each file read):
// app/services/groups/import_export/import_service.rb (05f0ebba),
// lib/gitlab/import_export/group/tree_restorer.rb (4555e1b2),
// group_restorer.rb (5c8c561a), relation_tree_restorer.rb (022301b9),
// relation_factory.rb (1d20d436), import_export.yml (017a6c12),
// lib/gitlab/import_export/members_mapper.rb (0fe671b0) and
// spec/lib/gitlab/import_export/group/tree_restorer_spec.rb (0f6fb8a8).
// GitLab reads only the NDJSON layout since 15.8; the legacy group.json
// is read as legacy_tree_restorer.rb (983a0bba, GitLab 13.x-15.7) did.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/correlation"
	"github.com/ferryhq/ferry/internal/jobs"
	"github.com/ferryhq/ferry/internal/store"
)

// GroupArgs is the import job of one group.
type GroupArgs struct {
	GroupID       int64  `json:"group_id"`
	CorrelationID string `json:"correlation_id,omitempty"`
}

// Kind names the job in the queue.
func (GroupArgs) Kind() string { return "group_import" }

// InsertOpts sets the retry count.
func (GroupArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: MaxAttempts} }

// GroupWorker runs group import jobs.
type GroupWorker struct {
	river.WorkerDefaults[GroupArgs]
	DB     *store.DB
	Blobs  blob.Store
	Logger *slog.Logger
	// TempDir holds each import's extracted archive while it runs.
	TempDir string
}

// Timeout bounds one attempt, as the project import's.
func (w *GroupWorker) Timeout(*river.Job[GroupArgs]) time.Duration { return 24 * time.Hour }

// Work runs the import. A finished or failed import is left alone; an
// import whose group was deleted stops; one an administrator cancelled
// fails with ferry.ImportCancelled (what it created so far stays, as
// for any failed group import).
func (w *GroupWorker) Work(ctx context.Context, job *river.Job[GroupArgs]) error {
	ctx = correlation.WithID(ctx, job.Args.CorrelationID)
	im, err := w.DB.GroupImportOf(ctx, job.Args.GroupID)
	if errors.Is(err, ferry.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("import of group %d is gone", job.Args.GroupID))
	}
	if err != nil || im.Ended() {
		return err
	}
	if jobs.CancelRequested(job.JobRow) { // cancelled while its worker died
		w.fail(ctx, &im, errCancelled)
		return river.JobCancel(errCancelled)
	}
	logger := w.Logger.With("group_id", im.GroupID, "attempt", job.Attempt)
	if im.Status == ferry.ImportStarted {
		logger.InfoContext(ctx, "group import resumed: an earlier attempt did not finish, so this one starts clean")
	} else {
		logger.InfoContext(ctx, "group import started")
	}
	start := time.Now()
	im.Attempts = job.Attempt
	err = w.run(ctx, &im, logger)
	if err == nil {
		logger.InfoContext(ctx, "group import finished", "duration", time.Since(start).Round(time.Millisecond).String(),
			"groups", im.Stats["groups"], "records", total(im.Stats), "failures", len(im.Failures))
		return nil
	}
	if jobs.CancelledRemotely(ctx, err) {
		logger.WarnContext(ctx, "group import cancelled by an administrator",
			"after", time.Since(start).Round(time.Millisecond).String())
		w.fail(ctx, &im, errCancelled)
		return river.JobCancel(errCancelled)
	}
	if jobs.Interrupted(ctx, err) {
		logger.WarnContext(ctx, "group import interrupted by a shutdown; it resumes at the next start")
		return jobs.Resume()
	}
	if _, gerr := w.DB.GroupImportOf(context.WithoutCancel(ctx), im.GroupID); errors.Is(gerr, ferry.ErrNotFound) {
		logger.InfoContext(ctx, "group import abandoned: its group was deleted", "error", err)
		w.dropUpload(ctx, &im)
		return river.JobCancel(err)
	}
	var perm *permanentError
	last := job.Attempt >= job.MaxAttempts || errors.As(err, &perm) || store.IsDataError(err)
	logger.ErrorContext(ctx, "group import failed", "final", last, "error", err)
	if !last {
		return err
	}
	w.fail(ctx, &im, err)
	return river.JobCancel(err)
}

// run does one attempt: start clean, extract, restore, finish.
func (w *GroupWorker) run(ctx context.Context, im *ferry.GroupImport, logger *slog.Logger) error {
	if err := w.startClean(ctx, im); err != nil {
		return err
	}
	work, err := os.MkdirTemp(w.TempDir, fmt.Sprintf("group-import-%d-*", im.GroupID))
	if err != nil {
		return fmt.Errorf("work folder: %w", err)
	}
	defer os.RemoveAll(work)
	dir, err := w.unpack(ctx, im, work, logger)
	if err != nil {
		return err
	}
	user, err := w.DB.UserByID(ctx, im.UserID)
	if err != nil {
		return fmt.Errorf("importing user: %w", err)
	}
	top, err := w.DB.NamespaceByID(ctx, im.GroupID)
	if err != nil {
		return err
	}
	g := &groupRestore{w: w, im: im, dir: dir, user: user, top: top, logger: logger}
	if err := g.run(ctx); err != nil {
		return err
	}
	im.Status, im.Error = ferry.ImportFinished, ""
	if err := w.DB.UpdateGroupImport(ctx, im); err != nil {
		return err
	}
	w.dropUpload(ctx, im)
	return nil
}

// startClean marks the import started and removes what an earlier
// attempt stored: the sub-groups it created (children first, with their
// members and records) and the group's records. Members an earlier
// attempt gave the group are added again, never twice.
func (w *GroupWorker) startClean(ctx context.Context, im *ferry.GroupImport) error {
	return w.DB.Tx(ctx, func(tx *store.Tx) error {
		for i := len(im.CreatedGroups) - 1; i >= 0; i-- {
			if err := tx.DeleteGroup(ctx, im.CreatedGroups[i]); err != nil && !errors.Is(err, ferry.ErrNotFound) {
				return fmt.Errorf("remove sub-group of an earlier attempt: %w", err)
			}
		}
		if err := tx.ResetGroupRecords(ctx, im.GroupID); err != nil {
			return err
		}
		im.Status, im.Error, im.CreatedGroups = ferry.ImportStarted, "", nil
		im.Stats, im.Failures = map[string]int64{}, nil
		return tx.UpdateGroupImport(ctx, im)
	})
}

// unpack extracts the uploaded archive into work/archive and checks its
// version.
func (w *GroupWorker) unpack(ctx context.Context, im *ferry.GroupImport, work string, logger *slog.Logger) (string, error) {
	settings, err := w.DB.Settings(ctx)
	if err != nil {
		return "", err
	}
	src, err := w.Blobs.Open(ctx, im.UploadKey)
	if err != nil {
		return "", permanent(fmt.Errorf("the uploaded archive is gone: %w", err))
	}
	defer src.Close()
	dir := filepath.Join(work, "archive")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", err
	}
	if _, err := extractArchive(ctx, logger, src, dir, settings); err != nil {
		return "", err
	}
	return dir, checkArchiveVersion(dir, "group")
}

// fail records err as the import_error; the uploaded archive is deleted.
func (w *GroupWorker) fail(ctx context.Context, im *ferry.GroupImport, err error) {
	ctx = context.WithoutCancel(ctx)
	im.Status, im.Error = ferry.ImportFailed, err.Error()
	if uerr := w.DB.UpdateGroupImport(ctx, im); uerr != nil {
		w.Logger.ErrorContext(ctx, "record failed group import", "group_id", im.GroupID, "error", uerr)
	}
	w.dropUpload(ctx, im)
}

// dropUpload deletes the uploaded archive once the import has ended (as
// GitLab's ImportService removes the import file in any case).
func (w *GroupWorker) dropUpload(ctx context.Context, im *ferry.GroupImport) {
	DropGroupUpload(ctx, w.DB, w.Blobs, im, w.Logger)
}

// DropGroupUpload deletes an ended group import's uploaded archive and
// forgets its key. A failure is logged, not returned: the import has
// ended either way.
func DropGroupUpload(ctx context.Context, db *store.DB, blobs blob.Store, im *ferry.GroupImport, logger *slog.Logger) {
	ctx = context.WithoutCancel(ctx)
	if im.UploadKey == "" {
		return
	}
	if err := blobs.Delete(ctx, im.UploadKey); err != nil {
		logger.WarnContext(ctx, "delete group import upload", "group_id", im.GroupID, "error", err)
		return
	}
	im.UploadKey = ""
	if err := db.UpdateGroupImport(ctx, im); err != nil && !errors.Is(err, ferry.ErrNotFound) {
		logger.WarnContext(ctx, "forget group import upload", "group_id", im.GroupID, "error", err)
	}
}

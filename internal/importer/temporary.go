package importer

import (
	"context"
	"errors"
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/repos"
	"github.com/ferryhq/ferry/internal/store"
)

// Dropper removes the temporary projects of overwriting imports that
// failed for good: only a finished import takes the old project's place,
// so nothing of a failed one may stay behind at <path>-<suffix>.
type Dropper struct {
	DB    *store.DB
	Blobs blob.Store
	// Enqueue inserts the removal job of the project's repositories and
	// files in tx.
	Enqueue func(ctx context.Context, tx *store.Tx, args river.JobArgs) error
	Logger  *slog.Logger
}

// Drop deletes the uploaded archive, then the temporary project with its
// import record, in one transaction with its removal job and the record
// of the failure its starter still reads (ferry.DroppedImport), and
// reports whether the project is gone. Nothing is marked failed first: a crash in
// between leaves an import still started, which the stuck-import cleanup
// fails and drops later, never a failed temporary project nobody removes.
func (d *Dropper) Drop(ctx context.Context, im *ferry.Import) bool {
	ctx = context.WithoutCancel(ctx)
	if im.UploadKey != "" {
		if err := d.Blobs.Delete(ctx, im.UploadKey); err != nil {
			d.Logger.WarnContext(ctx, "delete import upload", "project_id", im.ProjectID, "error", err)
		}
	}
	err := d.DB.Tx(ctx, func(tx *store.Tx) error {
		p, err := tx.ProjectByID(ctx, im.ProjectID)
		if err != nil {
			return err
		}
		p.Name = im.OriginalName
		if err := tx.RecordDroppedImport(ctx, ferry.DroppedImport{Project: p, Import: *im}); err != nil {
			return err
		}
		if err := tx.DeleteProject(ctx, im.ProjectID); err != nil {
			return err
		}
		return d.Enqueue(ctx, tx, repos.RemoveArgs{ProjectID: im.ProjectID})
	})
	switch {
	case err == nil:
		d.Logger.InfoContext(ctx, "temporary project of the failed overwrite removed", "project_id", im.ProjectID,
			"path", im.OriginalPath, "import_error", im.Error)
	case !errors.Is(err, ferry.ErrNotFound):
		d.Logger.ErrorContext(ctx, "remove temporary project of a failed overwrite", "project_id", im.ProjectID, "error", err)
		return false
	}
	return true
}

// gone reports whether project id's import no longer exists: the project
// was deleted while the import ran.
func (w *Worker) gone(ctx context.Context, projectID int64) bool {
	_, err := w.DB.ImportOf(context.WithoutCancel(ctx), projectID)
	return errors.Is(err, ferry.ErrNotFound)
}

// discard removes what an abandoned import of project id wrote: the
// deleted project's removal job may have run before the import wrote its
// repositories or files, which nothing would remove afterwards.
func (w *Worker) discard(ctx context.Context, projectID int64) {
	ctx = context.WithoutCancel(ctx)
	for _, prefix := range blob.ProjectPrefixes(projectID) {
		if err := w.Blobs.DeletePrefix(ctx, prefix); err != nil {
			w.Logger.WarnContext(ctx, "delete files of an abandoned import", "project_id", projectID, "error", err)
		}
	}
	if err := w.Repos.Remove(projectID); err != nil {
		w.Logger.WarnContext(ctx, "remove repositories of an abandoned import", "project_id", projectID, "error", err)
	}
}

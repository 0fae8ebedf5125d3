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

// DropTemporary deletes the temporary project of an overwriting import
// that failed for good (with its repositories and files, by a removal
// job): only a finished import takes the old project's place, so nothing
// of a failed one may stay behind at <path>-<suffix>. The failure is
// logged; the import's record goes with its project.
func DropTemporary(ctx context.Context, db *store.DB, enqueue func(context.Context, *store.Tx, river.JobArgs) error,
	im *ferry.Import, logger *slog.Logger) {
	ctx = context.WithoutCancel(ctx)
	err := db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteProject(ctx, im.ProjectID); err != nil {
			return err
		}
		return enqueue(ctx, tx, repos.RemoveArgs{ProjectID: im.ProjectID})
	})
	switch {
	case err == nil:
		logger.InfoContext(ctx, "temporary project of the failed overwrite removed", "project_id", im.ProjectID,
			"path", im.OriginalPath, "import_error", im.Error)
	case !errors.Is(err, ferry.ErrNotFound):
		logger.ErrorContext(ctx, "remove temporary project of a failed overwrite", "project_id", im.ProjectID, "error", err)
	}
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

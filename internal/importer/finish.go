package importer

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/repos"
	"github.com/ferryhq/ferry/internal/store"
)

// finish marks the import finished and, for an overwrite, swaps the new
// project into the old one's place and deletes the old one, in one
// transaction: if it fails, the old project is untouched.
func (w *Worker) finish(ctx context.Context, im *ferry.Import, logger *slog.Logger) error {
	im.Status = ferry.ImportFinished
	if im.OverwriteID == 0 {
		if err := w.DB.UpdateImport(ctx, im); err != nil {
			return err
		}
		w.dropUpload(ctx, im)
		return nil
	}
	if err := w.checkOverwrite(ctx, im); err != nil {
		return err
	}
	err := w.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteProject(ctx, im.OverwriteID); err != nil && err != ferry.ErrNotFound {
			return err
		}
		if err := tx.RenameProject(ctx, im.ProjectID, im.OriginalName, im.OriginalPath); err != nil {
			return err
		}
		if err := tx.UpdateImport(ctx, im); err != nil {
			return err
		}
		return w.Enqueue(ctx, tx, repos.RemoveArgs{ProjectID: im.OverwriteID})
	})
	if err != nil {
		return fmt.Errorf("replace project %d: %w", im.OverwriteID, err)
	}
	logger.InfoContext(ctx, "import replaced project", "old_project_id", im.OverwriteID)
	w.dropUpload(ctx, im)
	return nil
}

// checkOverwrite requires the importer to administer the namespace
// (GitLab's admin_namespace: Owner of the group, owner of the personal
// namespace, or an administrator), with GitLab's message otherwise.
func (w *Worker) checkOverwrite(ctx context.Context, im *ferry.Import) error {
	u, err := w.DB.UserByID(ctx, im.UserID)
	if err != nil {
		return err
	}
	p, err := w.DB.ProjectByID(ctx, im.ProjectID)
	if err != nil {
		return err
	}
	access := &auth.Access{DB: w.DB}
	ok, err := access.AdminsNamespace(ctx, &u, p.Namespace)
	if err != nil {
		return err
	}
	if !ok {
		return permanent(fmt.Errorf("User %s (%d) cannot overwrite a project in %s", u.Username, u.ID, p.Namespace.Path))
	}
	return nil
}

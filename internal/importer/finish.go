package importer

import (
	"context"
	"errors"
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
	var replaced int64
	err := w.DB.Tx(ctx, func(tx *store.Tx) (err error) {
		replaced, err = w.replace(ctx, tx, im)
		return err
	})
	if err != nil {
		return fmt.Errorf("replace %s: %w", im.OriginalPath, err)
	}
	logger.InfoContext(ctx, "import replaced project", "old_project_id", replaced)
	w.dropUpload(ctx, im)
	return nil
}

// replace moves an overwriting import's project to its requested name and
// path in tx, deleting whichever project holds the path now: the one the
// request named or, when another overwrite of the same path finished
// first, that one's (the import that finishes last wins). The namespace
// stays locked until tx ends, so two finishing imports take turns. A name
// another project took meanwhile fails the import at once: a retry could
// not fix it. It returns the id of the project replaced (0: none).
func (w *Worker) replace(ctx context.Context, tx *store.Tx, im *ferry.Import) (int64, error) {
	p, err := tx.ProjectByID(ctx, im.ProjectID)
	if err != nil {
		return 0, err
	}
	if err := tx.LockNamespace(ctx, p.NamespaceID); err != nil {
		return 0, err
	}
	var replaced int64
	old, err := tx.ProjectByFullPath(ctx, p.Namespace.FullPath+"/"+im.OriginalPath)
	switch {
	case err == nil && old.ID != p.ID:
		if err := tx.DeleteProject(ctx, old.ID); err != nil {
			return 0, err
		}
		if err := w.Enqueue(ctx, tx, repos.RemoveArgs{ProjectID: old.ID}); err != nil {
			return 0, err
		}
		replaced = old.ID
	case err != nil && !errors.Is(err, ferry.ErrNotFound):
		return 0, err
	}
	nameTaken, _, err := tx.ProjectTaken(ctx, p.NamespaceID, p.ID, im.OriginalName, im.OriginalPath)
	if err != nil {
		return 0, err
	}
	if nameTaken {
		return 0, permanent(errors.New("Name has already been taken"))
	}
	if err := tx.RenameProject(ctx, p.ID, im.OriginalName, im.OriginalPath); err != nil {
		return 0, err
	}
	return replaced, tx.UpdateImport(ctx, im)
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

// Package removal deletes projects and groups: their rows go in the
// caller's transaction, with a job (repos.RemoveArgs) per project that
// removes its repositories and stored files once the transaction commits;
// the other stored files (unfinished imports' uploads, group export
// archives) are returned for the caller to delete after the commit. A
// periodic job (PurgeArgs) removes the groups marked for deletion whose
// retention period (deletion_adjourned_period) is over, as GitLab's
// adjourned group deletion does.
package removal

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/repos"
	"github.com/ferryhq/ferry/internal/store"
)

// Enqueue inserts a job in tx.
type Enqueue func(ctx context.Context, tx *store.Tx, args river.JobArgs) error

// Projects removes projects in tx, each with a job that removes its
// repositories and stored files once tx commits. It returns the uploads
// of imports that had not finished, to delete once committed.
func Projects(ctx context.Context, tx *store.Tx, enqueue Enqueue, projects []ferry.Project) ([]string, error) {
	var uploads []string
	for _, p := range projects {
		if im, err := tx.ImportOf(ctx, p.ID); err == nil && im.UploadKey != "" {
			uploads = append(uploads, im.UploadKey)
		}
		if err := tx.DeleteProject(ctx, p.ID); err != nil {
			return nil, err
		}
		if err := enqueue(ctx, tx, repos.RemoveArgs{ProjectID: p.ID}); err != nil {
			return nil, err
		}
	}
	return uploads, nil
}

// GroupTree removes group id, its sub-groups and their projects in tx, as
// Projects does, and returns the files to delete once tx commits
// (unfinished imports' uploads, the groups' export archives). Returns
// ferry.ErrNotFound if the group is gone.
func GroupTree(ctx context.Context, tx *store.Tx, enqueue Enqueue, id int64) ([]string, error) {
	groups, projects, err := tx.NamespaceTree(ctx, id)
	if err != nil {
		return nil, err
	}
	files, err := Projects(ctx, tx, enqueue, projects)
	for _, g := range groups {
		var exports []string
		if err == nil {
			exports, err = tx.DeleteGroupExports(ctx, g.ID, 0)
			files = append(files, exports...)
		}
		if err == nil {
			err = tx.DeleteGroup(ctx, g.ID)
		}
	}
	return files, err
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ferryhq/ferry"
)

// MarkGroupForDeletion marks group g for deletion by userID at, as GitLab
// 18's Groups::MarkForDeletionService does: the group keeps its content
// but its name and path get ferry.DeletionScheduledIdentifier, so they are
// free at once, and its sub-groups' full paths follow. It returns the group
// as marked. Returns ferry.ErrNotFound if the group is gone. Run it in a
// transaction (DB.Tx).
func (q queries) MarkGroupForDeletion(ctx context.Context, g ferry.Namespace, userID int64, at time.Time) (ferry.Namespace, error) {
	name, path := ferry.DeletionScheduledIdentifier(g.Name, g.ID), ferry.DeletionScheduledIdentifier(g.Path, g.ID)
	if err := q.renameGroup(ctx, g, name, path); err != nil {
		return g, err
	}
	res, err := q.exec(ctx, `UPDATE namespaces SET marked_for_deletion_at = ?, deleting_user_id = ? WHERE id = ?`,
		at.UTC(), userID, g.ID)
	if err != nil {
		return g, fmt.Errorf("mark group %d for deletion: %w", g.ID, err)
	}
	if err := gone(res); err != nil {
		return g, err
	}
	return q.NamespaceByID(ctx, g.ID)
}

// RestoreGroup undoes MarkGroupForDeletion: the group gets its name and
// path back (without the suffix) and is no longer marked. Returns the
// group as restored, ferry.ErrNotFound if it is gone, or a
// *ferry.ValidationError wrapping ferry.ErrConflict when its old path was
// taken meanwhile. Run it in a transaction (DB.Tx).
func (q queries) RestoreGroup(ctx context.Context, g ferry.Namespace) (ferry.Namespace, error) {
	suffix := ferry.DeletionScheduledIdentifier("", g.ID)
	name, path := strings.TrimSuffix(g.Name, suffix), strings.TrimSuffix(g.Path, suffix)
	if err := q.renameGroup(ctx, g, name, path); err != nil {
		return g, err
	}
	if _, err := q.exec(ctx, `UPDATE namespaces SET marked_for_deletion_at = NULL, deleting_user_id = NULL WHERE id = ?`,
		g.ID); err != nil {
		return g, fmt.Errorf("restore group %d: %w", g.ID, err)
	}
	return q.NamespaceByID(ctx, g.ID)
}

// renameGroup gives group g a new name and path, and its descendants the
// full paths and names that follow.
func (q queries) renameGroup(ctx context.Context, g ferry.Namespace, name, path string) error {
	fullPath, fullName := path, name
	if g.ParentID != 0 {
		parent, err := q.NamespaceByID(ctx, g.ParentID)
		if err != nil {
			return err
		}
		fullPath, fullName = parent.FullPath+"/"+path, parent.FullName+" / "+name
	}
	// Descendants first: their rows are found by the group's old full path
	// (SQL counts characters, not bytes).
	if _, err := q.exec(ctx, `UPDATE namespaces SET full_path = ? || substr(full_path, ?),
		full_name = ? || substr(full_name, ?) WHERE substr(full_path, 1, ?) = ?`,
		fullPath, chars(g.FullPath)+1, fullName, chars(g.FullName)+1, chars(g.FullPath)+1, g.FullPath+"/"); err != nil {
		return fmt.Errorf("rename sub-groups of %d: %w", g.ID, mapError(err))
	}
	res, err := q.exec(ctx, `UPDATE namespaces SET name = ?, path = ?, full_path = ?, full_name = ? WHERE id = ?`,
		name, path, fullPath, fullName, g.ID)
	if err != nil {
		return fmt.Errorf("rename group %d: %w", g.ID, mapError(err))
	}
	return gone(res)
}

// GroupsMarkedBefore returns the groups marked for deletion before at,
// marked first, at most limit.
func (q queries) GroupsMarkedBefore(ctx context.Context, at time.Time, limit int) ([]ferry.Namespace, error) {
	rows, err := q.query(ctx, `SELECT `+namespaceColumns+` FROM namespaces n
		WHERE n.kind = 'group' AND n.marked_for_deletion_at < ? ORDER BY n.marked_for_deletion_at, n.id LIMIT ?`,
		at.UTC(), limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (ferry.Namespace, error) { return scanNamespace(r) })
}

func chars(s string) int { return utf8.RuneCountInString(s) }

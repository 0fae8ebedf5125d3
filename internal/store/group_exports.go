package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/ferryhq/ferry"
)

const groupExportColumns = `id, group_id, user_id, status, file_key, file_name, file_size, error, correlation_id,
	attempts, created_at, updated_at, started_at, finished_at, expires_at`

func scanGroupExport(row interface{ Scan(...any) error }) (ferry.GroupExport, error) {
	var (
		e                          ferry.GroupExport
		started, finished, expires sql.NullTime
	)
	err := row.Scan(&e.ID, &e.GroupID, &e.UserID, &e.Status, &e.FileKey, &e.FileName, &e.FileSize, &e.Error,
		&e.CorrelationID, &e.Attempts, &e.CreatedAt, &e.UpdatedAt, &started, &finished, &expires)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	e.StartedAt, e.FinishedAt, e.ExpiresAt = timePtr(started), timePtr(finished), timePtr(expires)
	return e, mapError(err)
}

// CreateGroupExport inserts e (status queued) and fills its ID and times.
func (q queries) CreateGroupExport(ctx context.Context, e *ferry.GroupExport) error {
	e.CreatedAt = now()
	e.UpdatedAt, e.Status = e.CreatedAt, ferry.ExportQueued
	id, err := q.insert(ctx, `INSERT INTO group_exports (group_id, user_id, status, correlation_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, e.GroupID, e.UserID, e.Status, e.CorrelationID, e.CreatedAt, e.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert group export: %w", err)
	}
	e.ID = id
	return nil
}

// GroupExportByID returns group export id, or ferry.ErrNotFound.
func (q queries) GroupExportByID(ctx context.Context, id int64) (ferry.GroupExport, error) {
	return scanGroupExport(q.queryRow(ctx, `SELECT `+groupExportColumns+` FROM group_exports WHERE id = ?`, id))
}

// GroupExports returns a user's exports of a group, newest first.
func (q queries) GroupExports(ctx context.Context, groupID, userID int64) ([]ferry.GroupExport, error) {
	rows, err := q.query(ctx, `SELECT `+groupExportColumns+` FROM group_exports
		WHERE group_id = ? AND user_id = ? ORDER BY id DESC`, groupID, userID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (ferry.GroupExport, error) { return scanGroupExport(r) })
}

// UpdateGroupExport saves e's state, attempt and file fields and sets
// UpdatedAt (and FinishedAt when it failed). Returns ferry.ErrNotFound
// when the export is gone (its group was deleted): a job must not take a
// lost update for a saved one.
func (q queries) UpdateGroupExport(ctx context.Context, e *ferry.GroupExport) error {
	e.UpdatedAt = now()
	if e.Status == ferry.ExportFailed && e.FinishedAt == nil {
		at := e.UpdatedAt
		e.FinishedAt = &at
	}
	res, err := q.exec(ctx, `UPDATE group_exports SET status = ?, file_key = ?, file_name = ?, file_size = ?, error = ?,
		attempts = ?, updated_at = ?, started_at = ?, finished_at = ?, expires_at = ? WHERE id = ?`,
		e.Status, e.FileKey, e.FileName, e.FileSize, e.Error, e.Attempts, e.UpdatedAt,
		nullTime(e.StartedAt), nullTime(e.FinishedAt), nullTime(e.ExpiresAt), e.ID)
	if err != nil {
		return fmt.Errorf("update group export %d: %w", e.ID, err)
	}
	return gone(res)
}

// DeleteGroupExport removes group export id's record.
func (q queries) DeleteGroupExport(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, `DELETE FROM group_exports WHERE id = ?`, id)
	return err
}

// DeleteGroupExports removes the export records of group groupID (userID
// 0) or of user userID (groupID 0) and returns their stored files, for
// the caller to delete once its transaction commits. Deleting (rather
// than reading, then letting a cascade delete) takes each row's lock, so
// a job that records its file at the same moment either is seen here or
// finds its record gone and deletes the file itself.
func (q queries) DeleteGroupExports(ctx context.Context, groupID, userID int64) ([]string, error) {
	rows, err := q.writeRows(ctx, `DELETE FROM group_exports WHERE group_id = ? OR user_id = ? RETURNING file_key`, groupID, userID)
	if err != nil {
		return nil, fmt.Errorf("delete group exports: %w", err)
	}
	keys, err := collect(rows, func(r *sql.Rows) (string, error) {
		var key string
		return key, r.Scan(&key)
	})
	return slices.DeleteFunc(keys, func(k string) bool { return k == "" }), err
}

// GroupExportsToClean returns finished group exports whose file expired
// before now, active ones not updated since before stuckBefore, and
// failed ones older than pruneBefore.
func (q queries) GroupExportsToClean(ctx context.Context, now, stuckBefore, pruneBefore time.Time) ([]ferry.GroupExport, error) {
	rows, err := q.query(ctx, `SELECT `+groupExportColumns+` FROM group_exports
		WHERE (status = 'finished' AND expires_at < ?)
		   OR (status IN ('queued', 'started') AND updated_at < ?)
		   OR (status = 'failed' AND updated_at < ?)
		ORDER BY id LIMIT 1000`, now.UTC(), stuckBefore.UTC(), pruneBefore.UTC())
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (ferry.GroupExport, error) { return scanGroupExport(r) })
}

// GroupHierarchy returns group id and its descendants in the order of
// GitLab's group export (Gitlab::ObjectHierarchy base_and_descendants
// ordered by depth): the group first, then each level of sub-groups, by
// id within a level. Returns ferry.ErrNotFound if the group does not
// exist.
func (q queries) GroupHierarchy(ctx context.Context, id int64) ([]ferry.Namespace, error) {
	rows, err := q.query(ctx, `SELECT `+namespaceColumns+` FROM namespaces n JOIN namespaces g ON g.id = ?
		WHERE g.kind = 'group' AND (n.id = g.id OR `+isUnder("n", "g")+`)
		ORDER BY length(n.full_path) - length(replace(n.full_path, '/', '')), n.id`, id)
	if err != nil {
		return nil, err
	}
	groups, err := collect(rows, func(r *sql.Rows) (ferry.Namespace, error) { return scanNamespace(r) })
	if err == nil && len(groups) == 0 {
		err = ferry.ErrNotFound
	}
	return groups, err
}

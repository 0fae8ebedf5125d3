package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ferryhq/ferry"
)

const exportColumns = `id, project_id, user_id, status, description, upload_url, upload_method, upload_status,
	upload_error, file_key, file_name, file_size, error, correlation_id, progress, attempts, created_at, updated_at,
	started_at, finished_at, expires_at`

func scanExport(row interface{ Scan(...any) error }) (ferry.Export, error) {
	var (
		e                          ferry.Export
		desc                       sql.NullString
		progress                   string
		started, finished, expires sql.NullTime
	)
	err := row.Scan(&e.ID, &e.ProjectID, &e.UserID, &e.Status, &desc, &e.UploadURL, &e.UploadMethod, &e.UploadStatus,
		&e.UploadError, &e.FileKey, &e.FileName, &e.FileSize, &e.Error, &e.CorrelationID, &progress, &e.Attempts, &e.CreatedAt, &e.UpdatedAt,
		&started, &finished, &expires)
	if desc.Valid {
		e.Description = &desc.String
	}
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	e.StartedAt, e.FinishedAt, e.ExpiresAt = timePtr(started), timePtr(finished), timePtr(expires)
	if err != nil {
		return e, mapError(err)
	}
	e.Progress, err = decodeProgress(progress)
	return e, err
}

func nullString(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// CreateExport inserts e (status queued) and fills its ID and times.
func (q queries) CreateExport(ctx context.Context, e *ferry.Export) error {
	e.CreatedAt = now()
	e.UpdatedAt, e.Status = e.CreatedAt, ferry.ExportQueued
	id, err := q.insert(ctx, `INSERT INTO project_exports (project_id, user_id, status, description, upload_url,
		upload_method, upload_status, correlation_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ProjectID, e.UserID, e.Status, nullString(e.Description), e.UploadURL, e.UploadMethod, e.UploadStatus,
		e.CorrelationID, e.CreatedAt, e.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert export: %w", err)
	}
	e.ID = id
	return nil
}

// ExportByID returns export id, or ferry.ErrNotFound.
func (q queries) ExportByID(ctx context.Context, id int64) (ferry.Export, error) {
	return scanExport(q.queryRow(ctx, `SELECT `+exportColumns+` FROM project_exports WHERE id = ?`, id))
}

// Exports returns a user's exports of a project, newest first.
func (q queries) Exports(ctx context.Context, projectID, userID int64) ([]ferry.Export, error) {
	rows, err := q.query(ctx, `SELECT `+exportColumns+` FROM project_exports
		WHERE project_id = ? AND user_id = ? ORDER BY id DESC`, projectID, userID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (ferry.Export, error) { return scanExport(r) })
}

// UpdateExport saves e's state, attempt, upload and file fields and sets
// UpdatedAt (and FinishedAt when it failed). Returns ferry.ErrNotFound
// when the export is gone (its project was deleted): a job must not take
// a lost update for a saved one.
func (q queries) UpdateExport(ctx context.Context, e *ferry.Export) error {
	e.UpdatedAt = now()
	if e.Status == ferry.ExportFailed && e.FinishedAt == nil {
		at := e.UpdatedAt
		e.FinishedAt = &at
	}
	res, err := q.exec(ctx, `UPDATE project_exports SET status = ?, upload_status = ?, upload_error = ?, file_key = ?,
		file_name = ?, file_size = ?, error = ?, attempts = ?, updated_at = ?, started_at = ?, finished_at = ?,
		expires_at = ? WHERE id = ?`, e.Status, e.UploadStatus, e.UploadError, e.FileKey, e.FileName, e.FileSize,
		e.Error, e.Attempts, e.UpdatedAt, nullTime(e.StartedAt), nullTime(e.FinishedAt), nullTime(e.ExpiresAt), e.ID)
	if err != nil {
		return fmt.Errorf("update export %d: %w", e.ID, err)
	}
	return gone(res)
}

// DeleteExport removes export id's record.
func (q queries) DeleteExport(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, `DELETE FROM project_exports WHERE id = ?`, id)
	return err
}

// ExportFilesOf returns the stored files of userID's exports.
func (q queries) ExportFilesOf(ctx context.Context, userID int64) ([]string, error) {
	rows, err := q.query(ctx, `SELECT file_key FROM project_exports WHERE user_id = ? AND file_key <> '' ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (string, error) {
		var key string
		return key, r.Scan(&key)
	})
}

// ExportsToClean returns finished exports whose file expired before now,
// active exports not updated since before stuckBefore, and failed exports
// older than pruneBefore.
func (q queries) ExportsToClean(ctx context.Context, now, stuckBefore, pruneBefore time.Time) ([]ferry.Export, error) {
	rows, err := q.query(ctx, `SELECT `+exportColumns+` FROM project_exports
		WHERE (status = 'finished' AND expires_at < ?)
		   OR (status IN ('queued', 'started') AND updated_at < ?)
		   OR (status = 'failed' AND updated_at < ?)
		ORDER BY id LIMIT 1000`, now.UTC(), stuckBefore.UTC(), pruneBefore.UTC())
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (ferry.Export, error) { return scanExport(r) })
}

// RelationDataSize is the size of a project's stored relation data in bytes.
func (q queries) RelationDataSize(ctx context.Context, projectID int64) (int64, error) {
	var n sql.NullInt64
	err := q.queryRow(ctx, `SELECT SUM(length(data)) FROM project_relations WHERE project_id = ?`, projectID).Scan(&n)
	return n.Int64, mapError(err)
}

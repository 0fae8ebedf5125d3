package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ferryhq/ferry"
)

const importColumns = `project_id, user_id, status, correlation_id, error, source, upload_key, source_data,
	overwrite_id, original_name, original_path, override_params, stats, progress, attempts, created_at, updated_at,
	started_at, finished_at`

func scanImport(row interface{ Scan(...any) error }) (ferry.Import, error) {
	var (
		im                        ferry.Import
		override, stats, progress string
		started, finished         sql.NullTime
	)
	err := row.Scan(&im.ProjectID, &im.UserID, &im.Status, &im.CorrelationID, &im.Error, &im.Source, &im.UploadKey,
		&im.SourceData, &im.OverwriteID, &im.OriginalName, &im.OriginalPath, &override, &stats, &progress, &im.Attempts,
		&im.CreatedAt, &im.UpdatedAt, &started, &finished)
	if err != nil {
		return im, mapError(err)
	}
	im.CreatedAt, im.UpdatedAt = im.CreatedAt.UTC(), im.UpdatedAt.UTC()
	im.StartedAt, im.FinishedAt = timePtr(started), timePtr(finished)
	if err := json.Unmarshal([]byte(override), &im.OverrideParams); err != nil {
		return im, fmt.Errorf("decode override params: %w", err)
	}
	if err := json.Unmarshal([]byte(stats), &im.Stats); err != nil {
		return im, fmt.Errorf("decode import stats: %w", err)
	}
	im.Progress, err = decodeProgress(progress)
	return im, err
}

// CreateImport inserts im (status scheduled).
func (q queries) CreateImport(ctx context.Context, im *ferry.Import) error {
	im.CreatedAt = now()
	im.UpdatedAt, im.Status = im.CreatedAt, ferry.ImportScheduled
	override, _ := json.Marshal(im.OverrideParams)
	stats, _ := json.Marshal(im.Stats)
	_, err := q.exec(ctx, `INSERT INTO project_imports (project_id, user_id, status, correlation_id, source, upload_key,
		source_data, overwrite_id, original_name, original_path, override_params, stats, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, im.ProjectID, im.UserID, im.Status, im.CorrelationID,
		im.Source, im.UploadKey, im.SourceData, im.OverwriteID, im.OriginalName, im.OriginalPath, string(override),
		string(stats), im.CreatedAt, im.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert import: %w", err)
	}
	return nil
}

// ImportOf returns project id's import, or ferry.ErrNotFound when it was
// not imported.
func (q queries) ImportOf(ctx context.Context, projectID int64) (ferry.Import, error) {
	return scanImport(q.queryRow(ctx, `SELECT `+importColumns+` FROM project_imports WHERE project_id = ?`, projectID))
}

// UpdateImport saves im's status, error, stats, attempt and source
// references, and stamps its times as the status moves: scheduled clears
// them, the first start sets StartedAt, the end sets FinishedAt. Returns
// ferry.ErrNotFound when the import is gone with its project.
func (q queries) UpdateImport(ctx context.Context, im *ferry.Import) error {
	im.UpdatedAt = now()
	stampImport(im)
	stats, _ := json.Marshal(im.Stats)
	res, err := q.exec(ctx, `UPDATE project_imports SET status = ?, error = ?, stats = ?, upload_key = ?, source_data = ?,
		attempts = ?, updated_at = ?, started_at = ?, finished_at = ? WHERE project_id = ?`, im.Status, im.Error,
		string(stats), im.UploadKey, im.SourceData, im.Attempts, im.UpdatedAt, nullTime(im.StartedAt),
		nullTime(im.FinishedAt), im.ProjectID)
	if err != nil {
		return fmt.Errorf("update import of project %d: %w", im.ProjectID, err)
	}
	return gone(res)
}

// ForgetImportSource clears the import's upload key and remote source
// (and so any credentials), and nothing else: a status written meanwhile
// stays.
func (q queries) ForgetImportSource(ctx context.Context, projectID int64) error {
	res, err := q.exec(ctx, `UPDATE project_imports SET upload_key = '', source_data = '' WHERE project_id = ?`, projectID)
	if err != nil {
		return fmt.Errorf("forget the source of import of project %d: %w", projectID, err)
	}
	return gone(res)
}

// RequeueFailedImport schedules im again if it is still failed: its
// error, stats, attempts, times and progress are cleared and its
// correlation ID saved. Returns ferry.ErrConflict when the import is no
// longer failed (another retry won), so that only one job is queued.
func (q queries) RequeueFailedImport(ctx context.Context, im *ferry.Import) error {
	im.Status, im.Error, im.Attempts, im.Progress = ferry.ImportScheduled, "", 0, nil
	im.Stats = ferry.ImportStats{Fetched: map[string]int64{}, Imported: map[string]int64{}}
	im.UpdatedAt, im.StartedAt, im.FinishedAt = now(), nil, nil
	stats, _ := json.Marshal(im.Stats)
	res, err := q.exec(ctx, `UPDATE project_imports SET status = ?, error = '', stats = ?, attempts = 0, progress = '',
		correlation_id = ?, updated_at = ?, started_at = NULL, finished_at = NULL
		WHERE project_id = ? AND status = 'failed'`, im.Status, string(stats), im.CorrelationID, im.UpdatedAt, im.ProjectID)
	if err != nil {
		return fmt.Errorf("requeue import of project %d: %w", im.ProjectID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ferry.ErrConflict
	}
	return nil
}

// stampImport sets im's start and end times for its status, at
// im.UpdatedAt.
func stampImport(im *ferry.Import) {
	at := im.UpdatedAt
	switch {
	case im.Status == ferry.ImportScheduled:
		im.StartedAt, im.FinishedAt = nil, nil
	case im.Status == ferry.ImportStarted:
		if im.StartedAt == nil {
			im.StartedAt = &at
		}
		im.FinishedAt = nil
	case im.Ended() && im.FinishedAt == nil:
		im.FinishedAt = &at
	}
}

// StaleImports returns imports scheduled or started and not updated since
// before.
func (q queries) StaleImports(ctx context.Context, before time.Time) ([]ferry.Import, error) {
	return q.importsWhere(ctx, `status IN ('scheduled', 'started') AND updated_at < ?`, before.UTC())
}

// FailedImportsHolding returns failed imports that still hold their
// uploaded archive and were not updated since before.
func (q queries) FailedImportsHolding(ctx context.Context, before time.Time) ([]ferry.Import, error) {
	return q.importsWhere(ctx, `status = 'failed' AND upload_key <> '' AND updated_at < ?`, before.UTC())
}

// importsWhere returns up to 1000 imports that cond selects, by project.
func (q queries) importsWhere(ctx context.Context, cond string, args ...any) ([]ferry.Import, error) {
	rows, err := q.query(ctx, `SELECT `+importColumns+` FROM project_imports WHERE `+cond+`
		ORDER BY project_id LIMIT 1000`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (ferry.Import, error) { return scanImport(r) })
}

// AddImportFailure records a record that could not be restored.
func (q queries) AddImportFailure(ctx context.Context, f *ferry.ImportFailure) error {
	f.CreatedAt = now()
	id, err := q.insert(ctx, `INSERT INTO import_failures (project_id, correlation_id, relation_name, line_number,
		exception_class, exception_message, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ProjectID, f.CorrelationID, f.RelationName, f.LineNumber, f.ExceptionClass, f.ExceptionMessage, f.Source, f.CreatedAt)
	f.ID = id
	return err
}

// ImportFailures returns up to limit failures of a project's import with
// correlationID, newest first.
func (q queries) ImportFailures(ctx context.Context, projectID int64, correlationID string, limit int) ([]ferry.ImportFailure, error) {
	rows, err := q.query(ctx, `SELECT id, project_id, correlation_id, relation_name, line_number, exception_class,
		exception_message, source, created_at FROM import_failures WHERE project_id = ? AND correlation_id = ?
		ORDER BY id DESC LIMIT ?`, projectID, correlationID, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (ferry.ImportFailure, error) {
		var f ferry.ImportFailure
		err := r.Scan(&f.ID, &f.ProjectID, &f.CorrelationID, &f.RelationName, &f.LineNumber, &f.ExceptionClass,
			&f.ExceptionMessage, &f.Source, &f.CreatedAt)
		f.CreatedAt = f.CreatedAt.UTC()
		return f, err
	})
}

// ImportFailureCount is how many records of a project's import with
// correlationID could not be restored.
func (q queries) ImportFailureCount(ctx context.Context, projectID int64, correlationID string) (int64, error) {
	var n int64
	err := q.queryRow(ctx, `SELECT count(*) FROM import_failures WHERE project_id = ? AND correlation_id = ?`,
		projectID, correlationID).Scan(&n)
	return n, mapError(err)
}

// ResetImportedData removes what an earlier attempt of project id's import
// stored (records, attributes, failures, direct members), so that a retried
// import starts clean and never duplicates.
func (q queries) ResetImportedData(ctx context.Context, projectID int64) error {
	for _, stmt := range []string{
		`DELETE FROM project_relations WHERE project_id = ?`,
		`DELETE FROM issuables WHERE project_id = ?`,
		`DELETE FROM import_user_mappings WHERE project_id = ?`,
		`DELETE FROM project_attributes WHERE project_id = ?`,
		`DELETE FROM import_failures WHERE project_id = ?`,
		`DELETE FROM members WHERE source_kind = 'Project' AND source_id = ?`,
		`UPDATE projects SET open_issues_count = 0 WHERE id = ?`,
	} {
		if _, err := q.exec(ctx, stmt, projectID); err != nil {
			return fmt.Errorf("reset import of project %d: %w", projectID, err)
		}
	}
	return nil
}

// SetOpenIssuesCount records how many of project id's issues are open.
func (q queries) SetOpenIssuesCount(ctx context.Context, id, n int64) error {
	_, err := q.exec(ctx, `UPDATE projects SET open_issues_count = ? WHERE id = ?`, n, id)
	return mapError(err)
}

// RenameProject sets project id's name and path.
func (q queries) RenameProject(ctx context.Context, id int64, name, path string) error {
	res, err := q.exec(ctx, `UPDATE projects SET name = ?, path = ?, updated_at = ? WHERE id = ?`, name, path, now(), id)
	if err != nil {
		return fmt.Errorf("rename project %d: %w", id, err)
	}
	return gone(res)
}

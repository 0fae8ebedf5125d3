package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ferryhq/ferry"
)

// RecordDroppedImport keeps d, the status of a failed overwrite whose
// temporary project is being removed (in the same transaction).
func (q queries) RecordDroppedImport(ctx context.Context, d ferry.DroppedImport) error {
	stats, err := json.Marshal(d.Import.Stats)
	if err != nil {
		return fmt.Errorf("encode import stats: %w", err)
	}
	p := d.Project
	_, err = q.exec(ctx, `INSERT INTO dropped_imports (project_id, user_id, name, path, description, namespace_path,
		namespace_name, correlation_id, error, stats, created_at, dropped_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, d.Import.UserID, p.Name, p.Path, p.Description, p.Namespace.FullPath, p.Namespace.FullName,
		d.Import.CorrelationID, d.Import.Error, string(stats), p.CreatedAt, now())
	if err != nil {
		return fmt.Errorf("record dropped import of project %d: %w", p.ID, mapError(err))
	}
	return nil
}

// DroppedImportOf returns the dropped import of removed project id, or
// ferry.ErrNotFound.
func (q queries) DroppedImportOf(ctx context.Context, projectID int64) (ferry.DroppedImport, error) {
	var (
		d     ferry.DroppedImport
		stats string
	)
	p, im := &d.Project, &d.Import
	err := q.queryRow(ctx, `SELECT project_id, user_id, name, path, description, namespace_path, namespace_name,
		correlation_id, error, stats, created_at, dropped_at FROM dropped_imports WHERE project_id = ?`, projectID).
		Scan(&p.ID, &im.UserID, &p.Name, &p.Path, &p.Description, &p.Namespace.FullPath, &p.Namespace.FullName,
			&im.CorrelationID, &im.Error, &stats, &p.CreatedAt, &d.DroppedAt)
	if err != nil {
		return d, mapError(err)
	}
	if err := json.Unmarshal([]byte(stats), &im.Stats); err != nil {
		return d, fmt.Errorf("decode import stats: %w", err)
	}
	p.CreatedAt, d.DroppedAt = p.CreatedAt.UTC(), d.DroppedAt.UTC()
	im.ProjectID, im.Status = p.ID, ferry.ImportFailed
	return d, nil
}

// DeleteDroppedImports forgets dropped imports removed before cutoff and
// returns how many.
func (q queries) DeleteDroppedImports(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM dropped_imports WHERE dropped_at < ?`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("delete dropped imports: %w", err)
	}
	return res.RowsAffected()
}

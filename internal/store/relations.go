package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// ProjectAttributes returns the stored tree/project.json attributes of a
// project (nil when it has none).
func (q queries) ProjectAttributes(ctx context.Context, projectID int64) (map[string]json.RawMessage, error) {
	var data string
	err := q.queryRow(ctx, `SELECT data FROM project_attributes WHERE project_id = ?`, projectID).Scan(&data)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, mapError(err)
	}
	var attrs map[string]json.RawMessage
	if err := json.Unmarshal([]byte(data), &attrs); err != nil {
		return nil, fmt.Errorf("decode project %d attributes: %w", projectID, err)
	}
	return attrs, nil
}

// SaveProjectAttributes stores a project's tree/project.json attributes.
func (q queries) SaveProjectAttributes(ctx context.Context, projectID int64, data []byte) error {
	_, err := q.exec(ctx, `INSERT INTO project_attributes (project_id, data) VALUES (?, ?)
		ON CONFLICT (project_id) DO UPDATE SET data = excluded.data`, projectID, string(data))
	return err
}

// RelationNames returns the relations a project has records of.
func (q queries) RelationNames(ctx context.Context, projectID int64) ([]string, error) {
	rows, err := q.query(ctx, `SELECT DISTINCT relation FROM project_relations WHERE project_id = ? ORDER BY relation`, projectID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
}

// EachRelationRecord calls fn with each record of one relation in order,
// streaming from a cursor (the records are never all in memory).
func (q queries) EachRelationRecord(ctx context.Context, projectID int64, relation string, fn func(data []byte) error) error {
	rows, err := q.query(ctx, `SELECT data FROM project_relations WHERE project_id = ? AND relation = ? ORDER BY position`,
		projectID, relation)
	if err != nil {
		return err
	}
	defer rows.Close()
	var data []byte
	for rows.Next() {
		if err := rows.Scan(&data); err != nil {
			return mapError(err)
		}
		if err := fn(data); err != nil {
			return err
		}
	}
	return mapError(rows.Err())
}

// InsertRelationRecords stores records of one relation starting at
// position first, in one statement per record inside the caller's
// transaction.
func (q queries) InsertRelationRecords(ctx context.Context, projectID int64, relation string, first int64, records [][]byte) error {
	for i, data := range records {
		if _, err := q.exec(ctx, `INSERT INTO project_relations (project_id, relation, position, data) VALUES (?, ?, ?, ?)`,
			projectID, relation, first+int64(i), string(data)); err != nil {
			return fmt.Errorf("insert %s record: %w", relation, err)
		}
	}
	return nil
}

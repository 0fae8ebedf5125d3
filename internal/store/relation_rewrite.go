package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ferryhq/ferry"
)

// RelationRecord is one stored record of a relation and its position.
type RelationRecord struct {
	Position int64
	Data     []byte
}

// RelationRecordsFrom returns up to limit records of one relation at
// positions from onwards, in order: a page, so that a pass over a huge
// relation that rewrites records as it goes holds one page at a time.
func (q queries) RelationRecordsFrom(ctx context.Context, projectID int64, relation string, from int64, limit int) ([]RelationRecord, error) {
	rows, err := q.query(ctx, `SELECT position, data FROM project_relations
		WHERE project_id = ? AND relation = ? AND position >= ? ORDER BY position LIMIT ?`,
		projectID, relation, from, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (RelationRecord, error) {
		var rec RelationRecord
		return rec, r.Scan(&rec.Position, &rec.Data)
	})
}

// UpdateRelationRecord replaces the record of relation at position.
// Returns ErrNotFound if there is none.
func (q queries) UpdateRelationRecord(ctx context.Context, projectID int64, relation string, position int64, data []byte) error {
	res, err := q.exec(ctx, `UPDATE project_relations SET data = ? WHERE project_id = ? AND relation = ? AND position = ?`,
		string(data), projectID, relation, position)
	if err != nil {
		return fmt.Errorf("update %s record: %w", relation, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return mapError(err)
	} else if n == 0 {
		return ferry.ErrNotFound
	}
	return nil
}

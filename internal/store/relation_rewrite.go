package store

import (
	"context"
	"fmt"
)

// RelationRecord is one stored record of a relation and its position.
type RelationRecord struct {
	Position int64
	Data     []byte
}

// RelationRecordsFrom returns up to limit records of one relation at
// positions from onwards, in order, a record stored in parts put
// together: a page, so that a pass over a huge relation that rewrites
// records as it goes holds one page at a time.
func (q queries) RelationRecordsFrom(ctx context.Context, projectID int64, relation string, from int64, limit int) ([]RelationRecord, error) {
	return q.recordsFrom(ctx, projectRecords, projectID, relation, from, limit)
}

func (q queries) recordsFrom(ctx context.Context, t recordTable, ownerID int64, relation string, from int64, limit int) ([]RelationRecord, error) {
	// The page's positions are chosen in SQL (every record has a part 0),
	// so the query reads one page, not the rest of the relation.
	rows, err := q.query(ctx, `SELECT position, part, data FROM `+t.records+`
		WHERE `+t.owner+` = ? AND relation = ? AND position IN (
			SELECT position FROM `+t.records+`
			WHERE `+t.owner+` = ? AND relation = ? AND position >= ? AND part = 0
			ORDER BY position LIMIT ?)
		ORDER BY position, part`,
		ownerID, relation, ownerID, relation, from, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var page []RelationRecord
	for rows.Next() {
		var (
			rec  RelationRecord
			part int64
		)
		if err := rows.Scan(&rec.Position, &part, &rec.Data); err != nil {
			return nil, mapError(err)
		}
		if part > 0 && len(page) > 0 && page[len(page)-1].Position == rec.Position {
			last := &page[len(page)-1]
			last.Data = append(last.Data, rec.Data...)
			continue
		}
		page = append(page, rec)
	}
	return page, mapError(rows.Err())
}

// UpdateRelationRecord replaces the record of relation at position (all
// its parts), keeping its row id. Returns ErrNotFound if there is none.
func (q queries) UpdateRelationRecord(ctx context.Context, projectID int64, relation string, position int64, data []byte) error {
	return q.updateRecord(ctx, projectRecords, projectID, relation, position, data)
}

// updateRecord rewrites the record at position: its first part is updated
// in place, so the record keeps its row id (the id the API shows for a
// record the archive kept none of), and the other parts are replaced.
func (q queries) updateRecord(ctx context.Context, t recordTable, ownerID int64, relation string, position int64, data []byte) error {
	rest := string(data)
	n := partLen(rest)
	res, err := q.exec(ctx, `UPDATE `+t.records+` SET data = ? WHERE `+t.owner+` = ? AND relation = ? AND position = ? AND part = 0`,
		rest[:n], ownerID, relation, position)
	if err != nil {
		return fmt.Errorf("update %s record: %w", relation, err)
	}
	if err := gone(res); err != nil {
		return fmt.Errorf("update %s record: %w", relation, err)
	}
	if _, err := q.exec(ctx, `DELETE FROM `+t.records+` WHERE `+t.owner+` = ? AND relation = ? AND position = ? AND part > 0`,
		ownerID, relation, position); err != nil {
		return fmt.Errorf("update %s record: %w", relation, err)
	}
	rest = rest[n:]
	for part := 1; rest != ""; part++ {
		n := partLen(rest)
		if _, err := q.exec(ctx, `INSERT INTO `+t.records+` (`+t.owner+`, relation, position, part, data)
			VALUES (?, ?, ?, ?, ?)`, ownerID, relation, position, part, rest[:n]); err != nil {
			return fmt.Errorf("update %s record: %w", relation, err)
		}
		rest = rest[n:]
	}
	return nil
}

// deleteRecord removes the record of relation at position (all its
// parts). Returns ErrNotFound if there is none.
func (q queries) deleteRecord(ctx context.Context, t recordTable, ownerID int64, relation string, position int64) error {
	res, err := q.exec(ctx, `DELETE FROM `+t.records+` WHERE `+t.owner+` = ? AND relation = ? AND position = ?`,
		ownerID, relation, position)
	if err != nil {
		return fmt.Errorf("delete %s record: %w", relation, err)
	}
	return gone(res)
}

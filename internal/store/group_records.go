package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// A group's archive attributes and relation records (group_attributes,
// group_relations) are kept as a project's are: the methods below are the
// project ones (relations.go, relation_rewrite.go) on the group tables.
// Group content (labels, milestones, badges, boards, ...) lives there in
// the form GitLab's group archive writes it, whether an import stored it
// or the API created it.

// GroupAttributes returns the stored tree/groups/<id>.json attributes of
// a group (nil when it has none).
func (q queries) GroupAttributes(ctx context.Context, groupID int64) (map[string]json.RawMessage, error) {
	return q.attributes(ctx, groupRecords, groupID)
}

// SaveGroupAttributes stores a group's archive attributes.
func (q queries) SaveGroupAttributes(ctx context.Context, groupID int64, data string) error {
	return q.saveAttributes(ctx, groupRecords, groupID, data)
}

// GroupRelationNames returns the relations a group has records of.
func (q queries) GroupRelationNames(ctx context.Context, groupID int64) ([]string, error) {
	return q.relationNames(ctx, groupRecords, groupID)
}

// EachGroupRelationRow calls fn with each record of one of a group's
// relations in order, with its row id, streaming from a cursor.
func (q queries) EachGroupRelationRow(ctx context.Context, groupID int64, relation string, fn func(id int64, data []byte) error) error {
	return q.eachRow(ctx, groupRecords, groupID, relation, fn)
}

// EachGroupRelationRecord is EachGroupRelationRow without the row ids.
func (q queries) EachGroupRelationRecord(ctx context.Context, groupID int64, relation string, fn func(data []byte) error) error {
	return q.eachRow(ctx, groupRecords, groupID, relation, func(_ int64, data []byte) error { return fn(data) })
}

// GroupRelationRecordsFrom returns up to limit records of one of a
// group's relations at positions from onwards, in order.
func (q queries) GroupRelationRecordsFrom(ctx context.Context, groupID int64, relation string, from int64, limit int) ([]RelationRecord, error) {
	return q.recordsFrom(ctx, groupRecords, groupID, relation, from, limit)
}

// GroupRelationRecordAt returns the record of a group's relation at
// position. Returns ErrNotFound if there is none.
func (q queries) GroupRelationRecordAt(ctx context.Context, groupID int64, relation string, position int64) ([]byte, error) {
	return q.recordAt(ctx, groupRecords, groupID, relation, position)
}

// InsertGroupRelationRecords stores records of one of a group's relations
// starting at position first.
func (q queries) InsertGroupRelationRecords(ctx context.Context, groupID int64, relation string, first int64, records []string) error {
	return q.insertRecords(ctx, groupRecords, groupID, relation, first, records)
}

// AppendGroupRelationRecord stores one record after the last of a group's
// relation and returns its position. Call it in a transaction when others
// may append to the same relation at once.
func (q queries) AppendGroupRelationRecord(ctx context.Context, groupID int64, relation string, data []byte) (int64, error) {
	var last sql.NullInt64
	if err := q.queryRow(ctx, `SELECT MAX(position) FROM group_relations WHERE group_id = ? AND relation = ?`,
		groupID, relation).Scan(&last); err != nil {
		return 0, mapError(err)
	}
	position := last.Int64 + 1
	if !last.Valid {
		position = 0
	}
	return position, q.insertRecords(ctx, groupRecords, groupID, relation, position, []string{string(data)})
}

// GroupRelationRecordByID returns the position and the record of a
// group's relation whose row id (the id of its first part, as
// EachGroupRelationRow passes it) is id. Returns ErrNotFound if there is
// none.
func (q queries) GroupRelationRecordByID(ctx context.Context, groupID int64, relation string, id int64) (int64, []byte, error) {
	var position int64
	if err := q.queryRow(ctx, `SELECT position FROM group_relations WHERE group_id = ? AND relation = ? AND id = ? AND part = 0`,
		groupID, relation, id).Scan(&position); err != nil {
		return 0, nil, mapError(err)
	}
	data, err := q.recordAt(ctx, groupRecords, groupID, relation, position)
	return position, data, err
}

// UpdateGroupRelationRecord replaces the record of a group's relation at
// position, keeping its row id. Returns ErrNotFound if there is none.
func (q queries) UpdateGroupRelationRecord(ctx context.Context, groupID int64, relation string, position int64, data []byte) error {
	return q.updateRecord(ctx, groupRecords, groupID, relation, position, data)
}

// DeleteGroupRelationRecord removes the record of a group's relation at
// position. Returns ErrNotFound if there is none.
func (q queries) DeleteGroupRelationRecord(ctx context.Context, groupID int64, relation string, position int64) error {
	return q.deleteRecord(ctx, groupRecords, groupID, relation, position)
}

// ResetGroupRecords removes every attribute and record a group has (what
// an earlier attempt of its import stored).
func (q queries) ResetGroupRecords(ctx context.Context, groupID int64) error {
	for _, stmt := range []string{
		`DELETE FROM group_relations WHERE group_id = ?`,
		`DELETE FROM group_attributes WHERE group_id = ?`,
	} {
		if _, err := q.exec(ctx, stmt, groupID); err != nil {
			return fmt.Errorf("reset records of group %d: %w", groupID, err)
		}
	}
	return nil
}

package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// recordTable names the tables that keep an owner's archive attributes
// and relation records, and their owner column: projects and groups keep
// theirs alike.
type recordTable struct{ attributes, records, owner string }

var (
	projectRecords = recordTable{"project_attributes", "project_relations", "project_id"}
	groupRecords   = recordTable{"group_attributes", "group_relations", "group_id"}
)

// ProjectAttributes returns the stored tree/project.json attributes of a
// project (nil when it has none).
func (q queries) ProjectAttributes(ctx context.Context, projectID int64) (map[string]json.RawMessage, error) {
	return q.attributes(ctx, projectRecords, projectID)
}

func (q queries) attributes(ctx context.Context, t recordTable, ownerID int64) (map[string]json.RawMessage, error) {
	var data string
	err := q.queryRow(ctx, `SELECT data FROM `+t.attributes+` WHERE `+t.owner+` = ?`, ownerID).Scan(&data)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, mapError(err)
	}
	var attrs map[string]json.RawMessage
	if err := json.Unmarshal([]byte(data), &attrs); err != nil {
		return nil, fmt.Errorf("decode %s of %d: %w", t.attributes, ownerID, err)
	}
	return attrs, nil
}

// SaveProjectAttributes stores a project's tree/project.json attributes.
func (q queries) SaveProjectAttributes(ctx context.Context, projectID int64, data string) error {
	return q.saveAttributes(ctx, projectRecords, projectID, data)
}

func (q queries) saveAttributes(ctx context.Context, t recordTable, ownerID int64, data string) error {
	_, err := q.exec(ctx, `INSERT INTO `+t.attributes+` (`+t.owner+`, data) VALUES (?, ?)
		ON CONFLICT (`+t.owner+`) DO UPDATE SET data = excluded.data`, ownerID, data)
	return err
}

// RelationNames returns the relations a project has records of.
func (q queries) RelationNames(ctx context.Context, projectID int64) ([]string, error) {
	return q.relationNames(ctx, projectRecords, projectID)
}

func (q queries) relationNames(ctx context.Context, t recordTable, ownerID int64) ([]string, error) {
	rows, err := q.query(ctx, `SELECT DISTINCT relation FROM `+t.records+` WHERE `+t.owner+` = ? ORDER BY relation`, ownerID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
}

// PartSize is the most bytes of a record that one row holds: a bigger
// record is stored in parts (at UTF-8 character boundaries), so that
// neither storing nor exporting it makes the database driver copy it
// whole.
const PartSize = 1 << 20

// EachRelationRecord calls fn with each record of one relation in order,
// streaming from a cursor (the records are never all in memory; a record
// stored in parts is put together for fn).
func (q queries) EachRelationRecord(ctx context.Context, projectID int64, relation string, fn func(data []byte) error) error {
	return q.EachRelationRow(ctx, projectID, relation, func(_ int64, data []byte) error { return fn(data) })
}

// EachRelationRow is EachRelationRecord with each record's row id (the id
// of its first part): a stable id for a record the archive kept none of.
func (q queries) EachRelationRow(ctx context.Context, projectID int64, relation string, fn func(id int64, data []byte) error) error {
	return q.eachRow(ctx, projectRecords, projectID, relation, fn)
}

func (q queries) eachRow(ctx context.Context, t recordTable, ownerID int64, relation string, fn func(id int64, data []byte) error) error {
	var (
		parts [][]byte // of a record stored in parts, joined at its last
		first int64
	)
	return q.eachPart(ctx, t, ownerID, relation, func(id int64, data []byte, end bool) error {
		if len(parts) == 0 {
			first = id
		}
		if !end || len(parts) > 0 {
			parts = append(parts, data)
		}
		if !end {
			return nil
		}
		if len(parts) > 0 { // joined into one buffer of the record's size, not grown through it
			data = bytes.Join(parts, nil)
			clear(parts)
			parts = parts[:0]
		}
		return fn(first, data)
	})
}

// EachRelationPart calls fn with each stored part of one relation's
// records, in order; end is true for the last part of a record. Records of
// at most PartSize bytes come in one part. Nothing bigger than a part is
// ever held in memory.
func (q queries) EachRelationPart(ctx context.Context, projectID int64, relation string, fn func(data []byte, end bool) error) error {
	return q.eachPart(ctx, projectRecords, projectID, relation, func(_ int64, data []byte, end bool) error { return fn(data, end) })
}

func (q queries) eachPart(ctx context.Context, t recordTable, ownerID int64, relation string, fn func(id int64, data []byte, end bool) error) error {
	rows, err := q.query(ctx, `SELECT id, part, data FROM `+t.records+` WHERE `+t.owner+` = ? AND relation = ?
		ORDER BY position, part`, ownerID, relation)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		prev   []byte
		prevID int64
		held   bool
	)
	for rows.Next() {
		var (
			id, part int64
			data     []byte
		)
		if err := rows.Scan(&id, &part, &data); err != nil {
			return mapError(err)
		}
		if held {
			if err := fn(prevID, prev, part == 0); err != nil {
				return err
			}
		}
		prev, prevID, held = data, id, true
	}
	if err := rows.Err(); err != nil {
		return mapError(err)
	}
	if held {
		return fn(prevID, prev, true)
	}
	return nil
}

// InsertRelationRecords stores records of one relation starting at
// position first, inside the caller's transaction: one statement per
// record, or per part of a record bigger than PartSize.
func (q queries) InsertRelationRecords(ctx context.Context, projectID int64, relation string, first int64, records []string) error {
	return q.insertRecords(ctx, projectRecords, projectID, relation, first, records)
}

func (q queries) insertRecords(ctx context.Context, t recordTable, ownerID int64, relation string, first int64, records []string) error {
	ins := newBulkInsert(q, t.records, t.owner, "relation", "position", "part", "data")
	defer ins.close()
	for i, data := range records {
		for part := 0; part == 0 || data != ""; part++ {
			n := partLen(data)
			if err := ins.add(ctx, n, ownerID, relation, first+int64(i), part, data[:n]); err != nil {
				return fmt.Errorf("insert %s records: %w", relation, err)
			}
			data = data[n:]
		}
	}
	if err := ins.flush(ctx); err != nil {
		return fmt.Errorf("insert %s records: %w", relation, err)
	}
	return nil
}

// partLen is the length of the first part of s: at most PartSize bytes,
// not splitting a UTF-8 character.
func partLen(s string) int {
	if len(s) <= PartSize {
		return len(s)
	}
	n := PartSize
	for n > PartSize-utf8.UTFMax && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

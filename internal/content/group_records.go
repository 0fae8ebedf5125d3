package content

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ferryhq/ferry/internal/store"
)

// A group's labels, milestones, badges and boards are records of its
// group_relations (relations labels, milestones, badges and boards), one
// record each, in the JSON shape GitLab's group archive writes in
// tree/groups/<id>/<relation>.ndjson: an import stores them as they come,
// the API writes its own in the same shape. A record's API id is its row
// id (EachGroupRelationRow's); an "id" key inside the JSON is ignored, and
// an update keeps the row id. A board's lists are embedded in it, each
// with its label embedded, found again by title.
//
// Writes go through one transaction each, so that a check (a title
// already taken, the next iid) and the write it guards see the same
// records.

// groupRows is what reads a group's records: the store or a transaction.
type groupRows interface {
	EachGroupRelationRow(ctx context.Context, groupID int64, relation string, fn func(id int64, data []byte) error) error
}

// groupRecord is one decoded record of a group's relation with its row
// id, the group that holds it and its JSON as stored.
type groupRecord[R any] struct {
	id, groupID int64
	rec         R
	raw         []byte
}

// groupRecords decodes every record of relation of each of groups, in
// the order of groups and, within one, the stored order.
func groupRecords[R any](ctx context.Context, q groupRows, relation string, groups ...int64) ([]groupRecord[R], error) {
	var out []groupRecord[R]
	for _, g := range groups {
		err := q.EachGroupRelationRow(ctx, g, relation, func(id int64, data []byte) error {
			rec, err := decode[R](relation, id, data)
			if err != nil {
				return err
			}
			out = append(out, groupRecord[R]{id: id, groupID: g, rec: *rec, raw: data})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// recordFields is a stored record as its keys, so that a write changes
// only what it sets and keeps what an archive brought.
type recordFields map[string]json.RawMessage

func parseFields(data []byte) (recordFields, error) {
	f := recordFields{}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	return f, nil
}

// set stores v under key.
func (f recordFields) set(key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("record field %s: %v", key, err))
	}
	f[key] = b
}

func (f recordFields) bytes() []byte {
	delete(f, "id") // a record's id is its row id
	b, err := json.Marshal(f)
	if err != nil {
		panic(fmt.Sprintf("record: %v", err))
	}
	return b
}

// newFields are the keys every API-made group record starts with.
func newFields(groupID int64, now string) recordFields {
	f := recordFields{}
	f.set("project_id", nil)
	f.set("group_id", groupID)
	f.set("created_at", now)
	f.set("updated_at", now)
	return f
}

// archiveNow is the current time as GitLab's archives write times.
func archiveNow() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }

// groupTx runs fn in a transaction of r's store that holds group id's
// row (on PostgreSQL; SQLite writes one at a time), so that the writes to
// one group's records run one after the other: a record appended takes
// the position after the last, and a title checked stays free.
func (r *Reader) groupTx(ctx context.Context, id int64, fn func(tx *store.Tx) error) error {
	return r.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.LockNamespace(ctx, id); err != nil {
			return err
		}
		return fn(tx)
	})
}

// updateByID rewrites the record of groupID's relation whose row id is
// id with change, keeping its row id. Returns ferry.ErrNotFound if there
// is none.
func updateByID(ctx context.Context, tx *store.Tx, groupID int64, relation string, id int64,
	change func(f recordFields) error) ([]byte, error) {
	pos, data, err := tx.GroupRelationRecordByID(ctx, groupID, relation, id)
	if err != nil {
		return nil, err
	}
	f, err := parseFields(data)
	if err != nil {
		return nil, fmt.Errorf("%s record %d: %w", relation, id, err)
	}
	if err := change(f); err != nil {
		return nil, err
	}
	out := f.bytes()
	return out, tx.UpdateGroupRelationRecord(ctx, groupID, relation, pos, out)
}

// deleteByID removes the record of groupID's relation whose row id is id.
// Returns ferry.ErrNotFound if there is none.
func deleteByID(ctx context.Context, tx *store.Tx, groupID int64, relation string, id int64) error {
	pos, _, err := tx.GroupRelationRecordByID(ctx, groupID, relation, id)
	if err != nil {
		return err
	}
	return tx.DeleteGroupRelationRecord(ctx, groupID, relation, pos)
}

// appendRecord stores f as the last record of groupID's relation and
// returns its row id.
func appendRecord(ctx context.Context, tx *store.Tx, groupID int64, relation string, f recordFields) (int64, error) {
	pos, err := tx.AppendGroupRelationRecord(ctx, groupID, relation, f.bytes())
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.EachGroupRelationRow(ctx, groupID, relation, func(row int64, _ []byte) error {
		id = row // the last record is the one appended
		return nil
	})
	if err == nil && id == 0 {
		err = fmt.Errorf("%s record at %d not found after append", relation, pos)
	}
	return id, err
}

// InvalidError is a write refused by validation: GitLab's model errors,
// each attribute with its message, in order.
type InvalidError struct{ Fields []FieldError }

// FieldError is one attribute's validation message.
type FieldError struct{ Field, Reason string }

func (e *InvalidError) Error() string {
	s := "invalid"
	for _, f := range e.Fields {
		s += "; " + f.Field + " " + f.Reason
	}
	return s
}

func (e *InvalidError) add(field, reason string) {
	e.Fields = append(e.Fields, FieldError{field, reason})
}

// err is e when it holds a message, nil otherwise.
func (e *InvalidError) err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// AsInvalid reports whether err is a validation refusal.
func AsInvalid(err error) (*InvalidError, bool) {
	var e *InvalidError
	ok := errors.As(err, &e)
	return e, ok
}

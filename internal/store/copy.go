package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// copyTables are Ferry's tables in an order that keeps every foreign key
// satisfied (parents first; rows by id). Rate-limit counters and
// heartbeats are not worth moving.
var copyTables = []string{"users", "namespaces", "personal_access_tokens", "members", "projects",
	"application_settings", "features", "feature_gates", "project_attributes", "project_relations", "group_attributes", "group_relations", "issuables", "project_exports", "group_exports", "project_imports",
	"import_failures", "import_user_mappings", "dropped_imports", "group_imports"}

// keyedByOwner are the tables whose key is their project's or group's id
// (the column named): they have no id sequence of their own.
var keyedByOwner = map[string]string{"group_attributes": "group_id", "project_attributes": "project_id",
	"project_imports": "project_id", "dropped_imports": "project_id", "group_imports": "group_id"}

// CopiedTables are the tables CopyTo copies, in its order.
func CopiedTables() []string { return slices.Clone(copyTables) }

// booleanColumns are converted from SQLite's integers.
var booleanColumns = map[string]bool{"is_admin": true, "revoked": true, "confidential": true}

// ErrNotEmpty is returned by CopyTo when the destination already holds
// users.
var ErrNotEmpty = errors.New("the destination database is not empty")

// ErrJobsPending is returned by CopyTo while the source still has jobs
// to run.
var ErrJobsPending = errors.New("the source still has jobs to run: stop Ferry and let its jobs finish first")

// RowCounts is how many rows each table CopyTo copies holds in db.
func (db *DB) RowCounts(ctx context.Context) (map[string]int64, error) {
	counts := map[string]int64{}
	for _, table := range copyTables {
		var n int64
		if err := db.queryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s: %w", table, mapError(err))
		}
		counts[table] = n
	}
	return counts, nil
}

// CopyTo copies every row of Ferry's tables from db into dst (an empty,
// migrated store), keeping ids, then moves dst's id sequences past every
// id db ever gave (its rows', and those of deleted rows SQLite's
// sqlite_sequence remembers), so that no id is given twice. copied (nil:
// none) is called after each row with its table, for progress. Returns
// the number of rows copied per table.
func (db *DB) CopyTo(ctx context.Context, dst *DB, copied func(table string)) (map[string]int64, error) {
	var n int
	if err := dst.queryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return nil, mapError(err)
	}
	if n > 0 {
		return nil, ErrNotEmpty
	}
	if err := db.queryRow(ctx, `SELECT count(*) FROM river_job WHERE state IN
		('available', 'running', 'retryable', 'scheduled', 'pending') AND kind NOT LIKE '%cleanup' AND kind <> 'queue_reaper'`).Scan(&n); err != nil {
		return nil, fmt.Errorf("count pending jobs: %w", err)
	}
	if n > 0 {
		return nil, ErrJobsPending
	}
	used, err := db.usedIDs(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	err = dst.Tx(ctx, func(tx *Tx) error {
		for _, table := range copyTables {
			c, err := db.copyTable(ctx, tx, table, copied)
			if err != nil {
				return fmt.Errorf("copy %s: %w", table, err)
			}
			counts[table] = c
		}
		return tx.resetSequences(ctx, used)
	})
	return counts, err
}

func (db *DB) copyTable(ctx context.Context, tx *Tx, table string, done func(table string)) (int64, error) {
	order := "id"
	if key, ok := keyedByOwner[table]; ok {
		order = key
	}
	rows, err := db.query(ctx, `SELECT * FROM `+table+` ORDER BY `+order)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	insert := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (` +
		strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + `)`
	var copied int64
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return copied, err
		}
		for i, c := range cols {
			values[i] = convert(c, values[i], tx.dialect)
		}
		if _, err := tx.exec(ctx, insert, values...); err != nil {
			return copied, err
		}
		copied++
		if done != nil {
			done(table)
		}
	}
	return copied, mapError(rows.Err())
}

// convert adapts a value read from one dialect to the other.
func convert(column string, v any, to Dialect) any {
	switch t := v.(type) {
	case int64:
		if booleanColumns[column] && to == Postgres {
			return t != 0
		}
	case []byte:
		return string(t)
	}
	return v
}

// usedIDs is, per table, the largest id SQLite has given in it, deleted
// rows included (its sqlite_sequence, kept for AUTOINCREMENT tables);
// empty on PostgreSQL, whose sequences a copy does not read.
func (db *DB) usedIDs(ctx context.Context) (map[string]int64, error) {
	used := map[string]int64{}
	if db.dialect != SQLite {
		return used, nil
	}
	rows, err := db.query(ctx, `SELECT name, seq FROM sqlite_sequence`)
	if err != nil {
		return nil, fmt.Errorf("read sqlite_sequence: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			name string
			seq  int64
		)
		if err := rows.Scan(&name, &seq); err != nil {
			return nil, fmt.Errorf("read sqlite_sequence: %w", err)
		}
		used[name] = seq
	}
	return used, mapError(rows.Err())
}

// resetSequences moves PostgreSQL's id sequences past the copied ids and
// past used[table], the largest id the source gave: the next id is
// greater than both.
func (tx *Tx) resetSequences(ctx context.Context, used map[string]int64) error {
	if tx.dialect != Postgres {
		return nil
	}
	for _, table := range copyTables {
		if _, keyed := keyedByOwner[table]; keyed || table == "application_settings" {
			continue
		}
		if _, err := tx.exec(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'),
			GREATEST(COALESCE((SELECT MAX(id) FROM `+table+`), 0), ?) + 1, false)`, used[table]); err != nil {
			return fmt.Errorf("reset %s ids: %w", table, err)
		}
	}
	return nil
}

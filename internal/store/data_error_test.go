package store_test

import (
	"context"
	"testing"

	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestStore_IsDataError pins which real database errors are data errors
// (the value itself refused: retrying cannot help) on the dialect under
// test, and that other failures are not.
func TestStore_IsDataError(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	data := []string{`SELECT zeroblob(2000000000)`} // SQLite: string or blob too big
	if db.Dialect() == store.Postgres {
		data = []string{`SELECT 1 / 0`, `SELECT 'a' || chr(0)`, `SELECT CAST('99999999999999999999' AS BIGINT)`,
			`SELECT convert_from('\xff'::bytea, 'UTF8')`}
	}
	for _, q := range data {
		if _, err := db.SQL().ExecContext(ctx, q); !store.IsDataError(err) {
			t.Errorf("%s: %v, want a data error", q, err)
		}
	}
	for _, q := range []string{`SELEC 1`, `SELECT * FROM no_such_table`} {
		if _, err := db.SQL().ExecContext(ctx, q); err == nil || store.IsDataError(err) {
			t.Errorf("%s: %v, want an error that is not a data error", q, err)
		}
	}
}

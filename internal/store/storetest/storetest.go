// Package storetest opens a fresh, migrated store for a test: SQLite in the
// test's temporary folder, or a new PostgreSQL schema when TEST_DATABASE_URL
// is set.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ferryhq/ferry/internal/store"
)

// URL returns a database URL private to t: a SQLite file under t.TempDir().
func URL(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "ferry.db")
}

// Open returns a migrated store private to t, closed when t ends.
func Open(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), URL(t))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

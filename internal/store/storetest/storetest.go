// Package storetest gives each test a database of its own: a SQLite file in
// the test's temporary folder, or, when TEST_DATABASE_URL names a
// PostgreSQL database, a fresh schema in it (dropped when the test ends).
// Tests that only ever call storetest run unchanged on both dialects.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/store"
)

// URL returns a database URL private to t.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		return filepath.Join(t.TempDir(), "ferry.db")
	}
	schema := "test_" + strings.ToLower(rand.Text()[:12])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open TEST_DATABASE_URL: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a migrated store private to t, closed when t ends.
func Open(t testing.TB) *store.DB {
	t.Helper()
	return OpenURL(t, URL(t))
}

// OpenURL opens another connection to url (from URL), as a second Ferry
// process would; it is closed when t ends.
func OpenURL(t testing.TB, url string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// OpenSQLite returns a migrated SQLite store private to t, whatever
// TEST_DATABASE_URL names, closed when t ends.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	return OpenURL(t, filepath.Join(t.TempDir(), "ferry.db"))
}

// WriterDataVersion is PRAGMA data_version on a SQLite store's writer
// connection: it changes when another connection has committed (and so
// SQLite has emptied the writer's page cache).
func WriterDataVersion(t testing.TB, db *store.DB) int64 {
	t.Helper()
	var v int64
	if err := db.Writer().QueryRowContext(context.Background(), `PRAGMA data_version`).Scan(&v); err != nil {
		t.Fatalf("PRAGMA data_version: %v", err)
	}
	return v
}

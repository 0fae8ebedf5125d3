package testenv

import (
	"os"
	"testing"
)

// Postgres returns TEST_DATABASE_URL, or skips t without it (noted in
// Main's summary). A missing PostgreSQL never fails a test, even when
// parts are required: .ci/run's first pass runs on SQLite by design, and
// its second pass sets TEST_DATABASE_URL.
func Postgres(t testing.TB) string {
	t.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		how := "set TEST_DATABASE_URL (.ci/run's second pass does)"
		mu.Lock()
		skipped["PostgreSQL"] = how
		mu.Unlock()
		t.Skip("PostgreSQL is not available: " + how)
	}
	return url
}

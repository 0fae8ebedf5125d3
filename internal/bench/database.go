package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

// serverArgs are the flags that put a server on cfg's store: none for
// SQLite (the data folder's own file); for PostgreSQL, --database with a
// new schema of cfg.DatabaseURL, which drop removes.
func serverArgs(ctx context.Context, cfg Config) (args []string, drop func(), err error) {
	if cfg.DatabaseURL == "" {
		return nil, func() {}, nil
	}
	u, err := url.Parse(cfg.DatabaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, nil, fmt.Errorf("--database: want a postgres:// URL")
	}
	schema := "bench_" + strings.ToLower(rand.Text()[:12])
	admin, err := sql.Open("pgx", cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return nil, nil, fmt.Errorf("create schema: %w", err)
	}
	drop = func() {
		_, _ = admin.ExecContext(context.WithoutCancel(ctx), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return []string{"--database", u.String()}, drop, nil
}

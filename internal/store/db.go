// Package store keeps Ferry's metadata (users, namespaces, tokens, members,
// projects, settings) in SQL: SQLite by default, PostgreSQL for scale-out.
// SQL is written once in the subset both accept, with "?" placeholders that
// are rebound for PostgreSQL; migrations are per dialect, embedded, and run
// by goose at start. Driver errors are turned into ferry's error kinds here,
// so no layer above imports a driver.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	neturl "net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pressly/goose/v3"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names a supported database.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrations embed.FS

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// queries holds every single-statement query; DB and Tx both embed it.
// Reads go to q, statements that write to w: in a Tx both are the
// transaction; on a SQLite DB w is the writer pool (DB.writer).
type queries struct {
	q       querier
	w       querier
	dialect Dialect
	// conn is the connection of a PostgreSQL transaction (nil
	// elsewhere), for what database/sql cannot say: a COPY.
	conn *sql.Conn
}

// DB is the metadata store.
type DB struct {
	queries
	sql *sql.DB
	// writer runs Tx and the statements that write outside one (queries.w): on SQLite
	// one connection of its own, so the connection that writes keeps its
	// page cache (SQLite empties a connection's cache whenever
	// another connection has written since its last transaction); on
	// PostgreSQL the same pool as sql.
	writer *sql.DB
	url    string
}

// Tx is a transaction on the store; see DB.Tx.
type Tx struct {
	queries
	tx          *sql.Tx
	afterCommit []func()
}

// SQL returns the underlying transaction, for enqueueing jobs in it.
func (tx *Tx) SQL() *sql.Tx { return tx.tx }

// AfterCommit runs fn once the transaction has committed (never if it
// rolls back): e.g. to wake this process's workers for a job the
// transaction queued, which they could not see before the commit.
func (tx *Tx) AfterCommit(fn func()) { tx.afterCommit = append(tx.afterCommit, fn) }

// Open connects to url, a "postgres://" URL or a SQLite file path, and runs
// the migrations. Returns an error if the database cannot be reached or
// migrated.
func Open(ctx context.Context, url string) (*DB, error) {
	dialect, driver, dsn := SQLite, "sqlite", sqliteDSN(url)
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		dialect, driver, dsn = Postgres, "pgx", url
	} else if err := createOwnerOnly(sqlitePath(url)); err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqldb, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's rule; a small pool lets readers
		// run beside it under WAL. Every connection stays open: closing
		// one frees its page cache, and an import beside a few status
		// requests spent a third of its time closing and reopening them
		// with database/sql's default of two idle connections.
		sqldb.SetMaxOpenConns(sqlitePoolSize)
		sqldb.SetMaxIdleConns(sqlitePoolSize)
	} else {
		// A burst of requests queues for a connection instead of opening
		// hundreds (PostgreSQL refuses clients past max_connections, and
		// several processes share it).
		sqldb.SetMaxOpenConns(PostgresPoolSize)
		sqldb.SetMaxIdleConns(PostgresPoolSize / 2)
	}
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dialect, err)
	}
	db := &DB{queries: queries{q: sqldb, w: sqldb, dialect: dialect}, sql: sqldb, writer: sqldb, url: url}
	if dialect == SQLite {
		if db.writer, err = sql.Open(driver, dsn); err != nil {
			sqldb.Close()
			return nil, fmt.Errorf("open %s database: %w", dialect, err)
		}
		// One connection: SQLite lets one writer in at a time anyway, so a
		// write waits for the transaction in progress in the pool instead
		// of on SQLite's lock, and the connection never meets another's
		// commit, which would empty its page cache (freeing and refilling
		// it was a third of a small import's CPU). The job queue writes
		// through it too (Writer). No write may wait on another from
		// inside a transaction: it would wait for itself.
		db.writer.SetMaxOpenConns(1)
		db.writer.SetMaxIdleConns(1)
		db.queries.w = db.writer
	}
	if err := db.WithMigrationLock(ctx, func() error { return db.migrate(ctx) }); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// CheckURL refuses a database setting Ferry cannot open: it must be a
// postgres:// or postgresql:// URL, a sqlite:// or file: URL, or a file
// path.
func CheckURL(url string) error {
	scheme, _, hasScheme := strings.Cut(url, "://")
	switch {
	case url == "":
		return errors.New("empty database setting")
	case hasScheme && scheme != "postgres" && scheme != "postgresql" && scheme != "sqlite":
		return fmt.Errorf("%q: want a postgres:// URL, a sqlite:// URL or a SQLite file path", redactURL(url))
	case !hasScheme && strings.Contains(url, ":") && !strings.HasPrefix(url, "file:") && !strings.HasPrefix(url, "/") && !strings.HasPrefix(url, "."):
		return fmt.Errorf("%q looks like a URL of an unknown kind: want a postgres:// URL, a sqlite:// URL or a SQLite file path", redactURL(url))
	}
	return nil
}

// redactURL hides a password in a database URL.
func redactURL(s string) string {
	if u, err := neturl.Parse(s); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
	}
	return s
}

// sqlitePath is the file of a SQLite URL.
func sqlitePath(url string) string {
	return strings.TrimPrefix(strings.TrimPrefix(url, "sqlite://"), "file:")
}

// createOwnerOnly creates the SQLite file readable by its owner only
// before SQLite opens it (SQLite gives its WAL and shared-memory files the
// database file's mode). An existing file is left alone.
func createOwnerOnly(path string) error {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.Contains(path, "?") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

// sqlitePoolSize is how many connections one process keeps to SQLite.
const sqlitePoolSize = 4

// PostgresPoolSize is how many connections one process opens to
// PostgreSQL at most through the store; a process that works jobs holds
// one more, the job queue's LISTEN connection (internal/jobs).
const PostgresPoolSize = 32

func sqliteDSN(path string) string {
	path = sqlitePath(path)
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-16384)&_txlock=immediate"
}

func (db *DB) migrate(ctx context.Context) error {
	gooseDialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		gooseDialect = goose.DialectPostgres
	}
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	provider, err := goose.NewProvider(gooseDialect, db.sql, sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s database: %w", db.dialect, err)
	}
	return nil
}

// migrationLockID is the PostgreSQL advisory lock that serialises
// migrations when several processes start at once.
const migrationLockID = 72_620_261_125

// WithMigrationLock runs fn while holding the migration lock: on
// PostgreSQL a session advisory lock (so that processes starting together
// migrate one after the other); on SQLite nothing is needed.
func (db *DB) WithMigrationLock(ctx context.Context, fn func() error) error {
	if db.dialect != Postgres {
		return fn()
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockID); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockID)
	return fn()
}

// Dialect reports which database the store runs on.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL returns the connection pool that reads (on PostgreSQL, the only one).
func (db *DB) SQL() *sql.DB { return db.sql }

// Writer returns the pool that writes, for the job queue that shares it:
// on SQLite its one connection, on PostgreSQL the same pool as SQL.
func (db *DB) Writer() *sql.DB { return db.writer }

// URL is the database URL the store was opened with. It may hold a
// password: never log it.
func (db *DB) URL() string { return db.url }

// Close closes the connection pools.
func (db *DB) Close() error {
	err := db.sql.Close()
	if db.writer != db.sql {
		err = errors.Join(err, db.writer.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Tx runs fn in a transaction, committing when it returns nil and rolling
// back otherwise. Returns fn's error or the commit's.
func (db *DB) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	var (
		conn  *sql.Conn
		begin = db.writer.BeginTx
	)
	if db.dialect == Postgres { // a connection of its own, for COPY (queries.conn)
		var err error
		if conn, err = db.writer.Conn(ctx); err != nil {
			return fmt.Errorf("begin: %w", mapError(err))
		}
		defer conn.Close()
		begin = conn.BeginTx
	}
	sqltx, err := begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{queries: queries{q: sqltx, w: sqltx, dialect: db.dialect, conn: conn}, tx: sqltx}
	if err := fn(tx); err != nil {
		_ = sqltx.Rollback()
		return err
	}
	if err := sqltx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapError(err))
	}
	for _, fn := range tx.afterCommit {
		fn()
	}
	return nil
}

func (q queries) rebind(query string) string {
	if q.dialect != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (q queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := q.w.ExecContext(ctx, q.rebind(query), args...)
	return res, mapError(err)
}

func (q queries) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := q.q.QueryContext(ctx, q.rebind(query), args...)
	return rows, mapError(err)
}

func (q queries) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return q.q.QueryRowContext(ctx, q.rebind(query), args...)
}

// writeRow runs a statement that writes and returns a row (RETURNING).
func (q queries) writeRow(ctx context.Context, query string, args ...any) *sql.Row {
	return q.w.QueryRowContext(ctx, q.rebind(query), args...)
}

// writeRows runs a statement that writes and returns rows (RETURNING).
func (q queries) writeRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := q.w.QueryContext(ctx, q.rebind(query), args...)
	return rows, mapError(err)
}

// insert runs an INSERT ... RETURNING id and returns the id.
func (q queries) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	if err := q.writeRow(ctx, query+" RETURNING id", args...).Scan(&id); err != nil {
		return 0, mapError(err)
	}
	return id, nil
}

// now is the store's clock: UTC, millisecond precision as GitLab shows it.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// todayUTC is the start of today (UTC): memberships that expire before it
// no longer count.
func todayUTC() time.Time { return time.Now().UTC().Truncate(24 * time.Hour) }

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func timePtr(nt sql.NullTime) *time.Time {
	if !nt.Valid {
		return nil
	}
	t := nt.Time.UTC()
	return &t
}

// nullText stores "" as NULL.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, mapError(err)
		}
		out = append(out, v)
	}
	return out, mapError(rows.Err())
}

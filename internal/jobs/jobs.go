// Package jobs sets up Ferry's durable background queue: River, on the
// same database as the metadata store (riversqlite for SQLite,
// riverdatabasesql with a pgx LISTEN connection for PostgreSQL), so that a
// state change and the job it starts commit in one transaction and jobs
// survive a restart. Workers run in the `ferry serve` process unless it is
// told not to work; a job queued by the process starts as soon as its
// transaction commits (see Client.InsertTx).
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/ferryhq/ferry/internal/store"
)

// Client is the queue client: it inserts jobs (in a store transaction with
// InsertTx) and, when working, runs them.
type Client struct {
	*river.Client[*sql.Tx]
	driver *wakeDriver
	pool   *pgxpool.Pool // PostgreSQL: where the LISTEN connection comes from
}

// InsertTx queues a job in tx. Once tx commits, this process's workers are
// woken, so the job starts without waiting for a poll; other processes
// hear of it through the database (LISTEN/NOTIFY, or SQLite's outbox).
func (c *Client) InsertTx(ctx context.Context, tx *store.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	res, err := c.Client.InsertTx(ctx, tx.SQL(), args, opts)
	if err != nil {
		return nil, err
	}
	queue := res.Job.Queue
	tx.AfterCommit(func() { c.driver.wake(queue) })
	return res, nil
}

// Stop stops the workers as River's Client.Stop does, then closes the
// LISTEN connection's pool.
func (c *Client) Stop(ctx context.Context) error {
	err := c.Client.Stop(ctx)
	c.closePool(err)
	return err
}

// StopAndCancel stops the workers as River's Client.StopAndCancel does,
// then closes the LISTEN connection's pool.
func (c *Client) StopAndCancel(ctx context.Context) error {
	err := c.Client.StopAndCancel(ctx)
	c.closePool(err)
	return err
}

// closePool closes the pool once the client has stopped (err is nil or
// not a deadline: a Stop that timed out is followed by StopAndCancel).
func (c *Client) closePool(err error) {
	if c.pool != nil && !errors.Is(err, context.DeadlineExceeded) {
		c.pool.Close()
	}
}

// Config tunes the queue.
type Config struct {
	// Work runs workers in this process; without it the client only inserts.
	Work bool
	// MaxWorkers is how many jobs run at once in this process (default 4).
	MaxWorkers int
	// JobTimeout bounds one attempt of a job (default 1 hour).
	JobTimeout time.Duration
	// PeriodicJobs run on a schedule when working.
	PeriodicJobs []*river.PeriodicJob
	// PollInterval is how often the workers look for jobs nobody told them
	// of (default 200 ms): jobs this process queues wake them at once, and
	// other processes' through the database; the poll is the backstop.
	PollInterval time.Duration
	// FetchCooldown is the least time between two fetches, and between
	// two of River's own notifications of jobs queued (default 20 ms).
	FetchCooldown time.Duration
	// RetryPolicy spaces retries (default River's exponential backoff).
	RetryPolicy river.ClientRetryPolicy
	// ClientID names this process in each job's attempted_by (see
	// NewClientID); heartbeats use the same name.
	ClientID string
	Logger   *slog.Logger
}

// driverFor returns River's driver for db. On PostgreSQL a working client
// listens (LISTEN/NOTIFY) on a connection of its own, from the returned
// pool, so that jobs queued by other processes start at once too.
func driverFor(db *store.DB, work bool) (riverdriver.Driver[*sql.Tx], *pgxpool.Pool, error) {
	if db.Dialect() != store.Postgres {
		return riversqlite.New(db.Writer()), nil, nil
	}
	if !work {
		return riverdatabasesql.New(db.SQL()), nil, nil
	}
	cfg, err := pgxpool.ParseConfig(db.URL())
	if err != nil {
		return nil, nil, fmt.Errorf("queue listener: %w", err)
	}
	cfg.MinConns, cfg.MaxConns = 0, 1 // River takes the one connection for good
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("queue listener: %w", err)
	}
	return riverdatabasesql.NewWithPgxListener(db.SQL(), pool), pool, nil
}

// Open migrates River's tables in db and returns a client with workers.
// Start it with Client.Start when cfg.Work is set.
func Open(ctx context.Context, db *store.DB, workers *river.Workers, cfg Config) (*Client, error) {
	base, pool, err := driverFor(db, cfg.Work)
	if err != nil {
		return nil, err
	}
	client, err := open(ctx, db, newWakeDriver(base), workers, cfg)
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, err
	}
	client.pool = pool
	return client, nil
}

func open(ctx context.Context, db *store.DB, driver *wakeDriver, workers *river.Workers, cfg Config) (*Client, error) {
	migrator, err := rivermigrate.New(driver.Driver, &rivermigrate.Config{Logger: quiet(cfg.Logger)})
	if err != nil {
		return nil, fmt.Errorf("queue migrator: %w", err)
	}
	err = db.WithMigrationLock(ctx, func() error {
		_, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("migrate queue tables: %w", err)
	}
	rc := &river.Config{Logger: quiet(cfg.Logger), Workers: workers, JobTimeout: cfg.JobTimeout, RetryPolicy: cfg.RetryPolicy,
		ID: cfg.ClientID}
	if rc.JobTimeout == 0 {
		// The longest job (an import) may run a day; River rescues a job
		// only after JobTimeout + 1h, so it is never run twice at once.
		rc.JobTimeout = 24 * time.Hour
	}
	if cfg.Work {
		n := cfg.MaxWorkers
		if n <= 0 {
			n = 4
		}
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}}
		rc.PeriodicJobs = cfg.PeriodicJobs
		rc.FetchPollInterval = cmp.Or(cfg.PollInterval, 200*time.Millisecond)
		// River fetches at most once per cooldown (default 100 ms): a job
		// queued just after a fetch waits out the rest of it.
		rc.FetchCooldown = cmp.Or(cfg.FetchCooldown, 20*time.Millisecond)
	}
	client, err := river.NewClient[*sql.Tx](driver, rc)
	if err != nil {
		return nil, fmt.Errorf("queue client: %w", err)
	}
	return &Client{Client: client, driver: driver}, nil
}

// RecoverOrphans makes jobs that were running when the process died
// available again, so that they run at once instead of waiting for River's
// rescuer. It is only safe where one process works the queue: the
// embedded SQLite store (on PostgreSQL, other workers may be running them,
// and River's rescuer handles crashed ones). Returns how many it freed.
func RecoverOrphans(ctx context.Context, db *store.DB) (int64, error) {
	if db.Dialect() != store.SQLite {
		return 0, nil
	}
	res, err := db.Writer().ExecContext(ctx, `UPDATE river_job SET state = 'available' WHERE state = 'running'`)
	if err != nil {
		return 0, fmt.Errorf("recover orphaned jobs: %w", err)
	}
	return res.RowsAffected()
}

// QuickRetries retries a failed job after a tenth of a second, for tests.
type QuickRetries struct{}

// NextRetry is 100ms from now.
func (QuickRetries) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(100 * time.Millisecond)
}

// Package jobs sets up Ferry's durable background queue: River, on the
// same database as the metadata store (riversqlite for SQLite,
// riverdatabasesql for PostgreSQL), so that a state change and the job it
// starts commit in one transaction and jobs survive a restart. Workers run
// in the `ferry serve` process unless it is told not to work.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

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
type Client = river.Client[*sql.Tx]

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
	// RetryPolicy spaces retries (default River's exponential backoff).
	RetryPolicy river.ClientRetryPolicy
	// ClientID names this process in each job's attempted_by (see
	// NewClientID); heartbeats use the same name.
	ClientID string
	Logger   *slog.Logger
}

func driverFor(db *store.DB) riverdriver.Driver[*sql.Tx] {
	if db.Dialect() == store.Postgres {
		return riverdatabasesql.New(db.SQL())
	}
	return riversqlite.New(db.SQL())
}

// Open migrates River's tables in db and returns a client with workers.
// Start it with Client.Start when cfg.Work is set.
func Open(ctx context.Context, db *store.DB, workers *river.Workers, cfg Config) (*Client, error) {
	driver := driverFor(db)
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: quiet(cfg.Logger)})
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
		rc.FetchPollInterval = 200 * time.Millisecond
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("queue client: %w", err)
	}
	return client, nil
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
	res, err := db.SQL().ExecContext(ctx, `UPDATE river_job SET state = 'available' WHERE state = 'running'`)
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

package jobs_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry/internal/jobs"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

type noopArgs struct{}

func (noopArgs) Kind() string { return "noop" }

type noopWorker struct{ river.WorkerDefaults[noopArgs] }

func (noopWorker) Work(context.Context, *river.Job[noopArgs]) error { return nil }

// TestReaper_ReleasesJobsOfDeadWorkers pins that a job left running by a
// worker whose heartbeat stopped goes back to the queue, and one of a live
// worker does not.
func TestReaper_ReleasesJobsOfDeadWorkers(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	workers := river.NewWorkers()
	river.AddWorker(workers, &noopWorker{})
	client, err := jobs.Open(ctx, db, workers, jobs.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]int64{}
	for _, owner := range []string{"alive", "dead"} {
		res, err := client.Insert(ctx, noopArgs{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		owners[owner] = res.Job.ID
		list := `ARRAY['` + owner + `']`
		if db.Dialect() == store.SQLite {
			list = `jsonb('["` + owner + `"]')`
		}
		if _, err := db.SQL().ExecContext(ctx, rebind(db, `UPDATE river_job SET state = 'running', attempt = 1,
			attempted_by = `+list+` WHERE id = ?`), res.Job.ID); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	if err := db.Beat(ctx, "alive", now); err != nil {
		t.Fatal(err)
	}
	if err := db.Beat(ctx, "dead", now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	n, err := db.ReleaseJobsOfDeadWorkers(ctx, now.Add(-30*time.Second))
	if err != nil || n != 1 {
		t.Fatalf("released %d, %v; want the dead worker's one job", n, err)
	}
	for owner, want := range map[string]string{"alive": "running", "dead": "available"} {
		var state string
		if err := db.SQL().QueryRowContext(ctx, rebind(db, `SELECT state FROM river_job WHERE id = ?`), owners[owner]).Scan(&state); err != nil {
			t.Fatal(err)
		}
		if state != want {
			t.Errorf("%s worker's job is %s, want %s", owner, state, want)
		}
	}
}

func rebind(db *store.DB, q string) string {
	if db.Dialect() == store.Postgres {
		return strings.Replace(q, "?", "$1", 1)
	}
	return q
}

package jobs_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry/internal/jobs"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

type signalArgs struct{ N int }

func (signalArgs) Kind() string { return "signal" }

type signalWorker struct {
	river.WorkerDefaults[signalArgs]
	ran chan int
}

func (w *signalWorker) Work(_ context.Context, job *river.Job[signalArgs]) error {
	w.ran <- job.Args.N
	return nil
}

// startSignalClient starts a working client on db whose signalWorker
// reports each job it runs; it stops when t ends.
func startSignalClient(t *testing.T, db *store.DB, poll time.Duration) (*jobs.Client, *signalWorker) {
	t.Helper()
	worker := &signalWorker{ran: make(chan int, 4)}
	workers := river.NewWorkers()
	river.AddWorker(workers, worker)
	client, err := jobs.Open(context.Background(), db, workers, jobs.Config{Work: true, PollInterval: poll,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.StopAndCancel(context.Background()) })
	return client, worker
}

// TestClient_InsertTxWakesWorkers pins that a job queued through
// Client.InsertTx starts once its transaction commits, not at the next
// poll, which is an hour away: on SQLite and on PostgreSQL (where, before
// the queue listened, nothing but the poll started a job). The second job
// is queued right after the first ran, when River sends no notification
// of its own (at most one per queue per FetchCooldown).
func TestClient_InsertTxWakesWorkers(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	client, worker := startSignalClient(t, db, time.Hour)
	for n := 1; n <= 2; n++ {
		err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := client.InsertTx(ctx, tx, signalArgs{N: n}, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-worker.ran:
			if got != n {
				t.Fatalf("job %d ran, want %d", got, n)
			}
		case <-time.After(30 * time.Second): // the poll would take an hour
			t.Fatalf("job %d did not start after its transaction committed", n)
		}
	}
}

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

// signalArgs is a job that reports N when it runs; with Hold it then
// waits until its worker's hold is closed.
type signalArgs struct {
	N    int
	Hold bool
}

func (signalArgs) Kind() string { return "signal" }

type signalWorker struct {
	river.WorkerDefaults[signalArgs]
	ran  chan int
	hold chan struct{}
}

func (w *signalWorker) Work(ctx context.Context, job *river.Job[signalArgs]) error {
	w.ran <- job.Args.N
	if job.Args.Hold {
		select {
		case <-w.hold:
		case <-ctx.Done():
		}
	}
	return nil
}

// startSignalClient starts a working client on db, tuned by cfg, whose
// signalWorker reports each job it runs; it stops when t ends.
func startSignalClient(t *testing.T, db *store.DB, cfg jobs.Config) (*jobs.Client, *signalWorker) {
	t.Helper()
	worker := &signalWorker{ran: make(chan int, 4), hold: make(chan struct{})}
	workers := river.NewWorkers()
	river.AddWorker(workers, worker)
	cfg.Work, cfg.Logger = true, slog.New(slog.DiscardHandler)
	client, err := jobs.Open(context.Background(), db, workers, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		close(worker.hold)
		client.StopAndCancel(context.Background())
	})
	return client, worker
}

// TestClient_InsertTxWakesWorkers pins that a job queued through
// Client.InsertTx starts once its transaction commits, not at the next
// poll, which is an hour away: on SQLite and on PostgreSQL. The second
// job is queued while the first still runs and within River's cooldown
// (1 s here): River sends no notification of its own for it (one per
// queue per cooldown) and no job has ended to make it fetch again, so
// only this process's wake starts it (at the end of the cooldown). The
// first job is queued once the cooldown of the client's first fetch has
// passed, so that no fetch is still due from it.
func TestClient_InsertTxWakesWorkers(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	const cooldown = time.Second
	client, worker := startSignalClient(t, db, jobs.Config{PollInterval: time.Hour, FetchCooldown: cooldown})
	time.Sleep(cooldown + cooldown/2)
	for _, args := range []signalArgs{{N: 1, Hold: true}, {N: 2}} {
		err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := client.InsertTx(ctx, tx, args, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-worker.ran:
			if got != args.N {
				t.Fatalf("job %d ran, want %d", got, args.N)
			}
		case <-time.After(30 * time.Second): // the poll would take an hour
			t.Fatalf("job %d did not start after its transaction committed", args.N)
		}
	}
}

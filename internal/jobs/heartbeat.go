package jobs

import (
	"context"
	"crypto/rand"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry/internal/store"
)

// DefaultStaleAfter is how long a worker may go without a heartbeat
// before its running jobs are handed to another worker.
const DefaultStaleAfter = 30 * time.Second

// NewClientID names this process's queue client uniquely (host, process
// and a random part), as River records it in each job's attempted_by.
func NewClientID() string {
	host, _ := os.Hostname()
	host = strings.NewReplacer(".", "_", ":", "_").Replace(host)
	return host + "_" + strings.ToLower(rand.Text()[:10])
}

// Heartbeat records every staleAfter/5 that clientID is alive, until ctx
// ends; then it removes the record (a clean stop leaves no ghost).
func Heartbeat(ctx context.Context, db *store.DB, clientID string, staleAfter time.Duration, logger *slog.Logger) {
	tick := time.NewTicker(max(staleAfter/5, 100*time.Millisecond))
	defer tick.Stop()
	for {
		if err := db.Beat(ctx, clientID, time.Now()); err != nil && ctx.Err() == nil {
			logger.WarnContext(ctx, "heartbeat failed", "error", err)
		}
		select {
		case <-ctx.Done():
			cleanup, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = db.Unbeat(cleanup, clientID)
			cancel()
			return
		case <-tick.C:
		}
	}
}

// ReaperArgs is the periodic job that hands the running jobs of workers
// that died (no heartbeat for StaleAfter) back to the queue, so another
// worker finishes them. River runs periodic jobs on its elected leader.
type ReaperArgs struct{}

// Kind names the job in the queue.
func (ReaperArgs) Kind() string { return "queue_reaper" }

// ReaperWorker runs ReaperArgs.
type ReaperWorker struct {
	river.WorkerDefaults[ReaperArgs]
	DB         *store.DB
	StaleAfter time.Duration
	Logger     *slog.Logger
}

// Work releases the jobs of dead workers.
func (w *ReaperWorker) Work(ctx context.Context, job *river.Job[ReaperArgs]) error {
	n, err := w.DB.ReleaseJobsOfDeadWorkers(ctx, time.Now().Add(-w.StaleAfter))
	if n > 0 {
		w.Logger.WarnContext(ctx, "jobs of a stopped worker handed to the queue again", "jobs", n)
	}
	return err
}

// ReaperJob runs ReaperArgs every staleAfter/2.
func ReaperJob(staleAfter time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(max(staleAfter/2, time.Second)),
		func() (river.JobArgs, *river.InsertOpts) { return ReaperArgs{}, nil }, nil)
}

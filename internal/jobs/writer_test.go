package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/jobs"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// On SQLite the queue writes through the store's one writer connection:
// no other connection commits while jobs are queued, fetched, run and
// completed, so that connection keeps its page cache (SQLite empties a
// connection's cache whenever another one has written; an import paid
// a third of its CPU for it). PRAGMA data_version on the writer changes
// exactly when another connection has committed.
func TestClient_SQLiteQueueWritesOnTheWriterConnection(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.OpenSQLite(t)
	client, worker := startSignalClient(t, db, jobs.Config{PollInterval: 50 * time.Millisecond})

	runJob := func(n int) {
		t.Helper()
		var id int64
		err := db.Tx(ctx, func(tx *store.Tx) error {
			res, err := client.InsertTx(ctx, tx, signalArgs{N: n}, nil)
			if err == nil {
				id = res.Job.ID
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		<-worker.ran
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			var state string
			if err := db.SQL().QueryRowContext(ctx, `SELECT state FROM river_job WHERE id = ?`, id).Scan(&state); err != nil {
				t.Fatal(err)
			}
			if state == "completed" {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("job %d is %s, not completed", n, state)
			}
		}
	}
	runJob(1) // the client has started: its leader election and first fetches are done
	before := storetest.WriterDataVersion(t, db)
	runJob(2)
	time.Sleep(300 * time.Millisecond) // several fetch polls
	runJob(3)
	if after := storetest.WriterDataVersion(t, db); after != before {
		t.Errorf("PRAGMA data_version on the writer went from %d to %d: another connection wrote", before, after)
	}
}

package removal

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/store"
)

// purgeBatch is how many groups one pass removes at most.
const purgeBatch = 100

// PurgeArgs is the periodic job that removes the groups whose deletion
// was adjourned long enough (GitLab's AdjournedGroupDeletionWorker).
type PurgeArgs struct{}

// Kind names the job in the queue.
func (PurgeArgs) Kind() string { return "adjourned_group_deletion" }

// PurgeWorker removes each group marked for deletion more than
// deletion_adjourned_period days ago, with its sub-groups and projects.
type PurgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	DB      *store.DB
	Blobs   blob.Store
	Enqueue Enqueue
	Logger  *slog.Logger
	Now     func() time.Time
}

// Work runs one pass.
func (w *PurgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	settings, err := w.DB.Settings(ctx)
	if err != nil {
		return err
	}
	due := now.Add(-time.Duration(settings.DeletionAdjournedPeriod) * 24 * time.Hour)
	groups, err := w.DB.GroupsMarkedBefore(ctx, due, purgeBatch)
	if err != nil {
		return err
	}
	for _, g := range groups {
		var files []string
		err := w.DB.Tx(ctx, func(tx *store.Tx) (err error) {
			files, err = GroupTree(ctx, tx, w.Enqueue, g.ID)
			return err
		})
		if errors.Is(err, ferry.ErrNotFound) {
			continue // removed meanwhile (an ancestor's removal, or permanently_remove)
		}
		if err != nil {
			return err
		}
		for _, key := range files {
			_ = w.Blobs.Delete(ctx, key)
		}
		w.Logger.InfoContext(ctx, "group removed after its deletion was adjourned", "group_id", g.ID,
			"full_path", g.FullPath, "marked_at", g.MarkedForDeletionAt)
	}
	return nil
}

// PurgeJob runs PurgeArgs every hour, and once at start.
func PurgeJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return PurgeArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

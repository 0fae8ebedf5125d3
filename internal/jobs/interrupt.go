package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Interrupted reports whether a job's attempt ended because its context
// was cancelled (the process is shutting down and handed the job back),
// not because the job failed or ran out of time.
func Interrupted(ctx context.Context, err error) bool {
	return err != nil && errors.Is(ctx.Err(), context.Canceled)
}

// CancelledRemotely reports whether a job's attempt ended because an
// administrator cancelled the job (River's JobCancel): its context was
// cancelled with rivertype.ErrJobCancelledRemotely. Check it before
// Interrupted, which such an attempt satisfies too.
func CancelledRemotely(ctx context.Context, err error) bool {
	return err != nil && errors.Is(context.Cause(ctx), rivertype.ErrJobCancelledRemotely)
}

// CancelRequested reports whether an administrator asked to cancel job
// while it ran (River's JobCancel records cancel_attempted_at in its
// metadata) and it was then handed back to the queue, its worker gone: it
// must not run again, but end as cancelled.
func CancelRequested(job *rivertype.JobRow) bool {
	var meta struct {
		CancelAttemptedAt *time.Time `json:"cancel_attempted_at"`
	}
	return job != nil && json.Unmarshal(job.Metadata, &meta) == nil && meta.CancelAttemptedAt != nil
}

// Resume is what a worker returns for an interrupted attempt: the job
// goes back to the queue at once, and the interruption does not count
// against its attempts.
func Resume() error { return river.JobSnooze(time.Millisecond) }

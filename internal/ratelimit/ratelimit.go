// Package ratelimit is GitLab's application rate limiter: fixed,
// clock-aligned windows (window = floor(unix time / interval)), a request
// refused once its window's count is greater than the threshold, and a
// threshold or interval of 0 turning the limit off. Counters are kept in the
// database, so limits hold across every Ferry process; a periodic job drops
// old windows.
package ratelimit

import (
	"context"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry/internal/store"
)

// GitLab's limiter keys.
const (
	ProjectExport         = "project_export"
	ProjectDownloadExport = "project_download_export"
	ProjectImport         = "project_import"
	GroupImport           = "group_import"
)

// Limiter checks and counts requests.
type Limiter struct {
	DB  *store.DB
	Now func() time.Time
}

// Result is the outcome of one Hit.
type Result struct {
	Allowed bool
	// Count is the window's count including this request.
	Count int
	// RetryAfter is how long until the window ends.
	RetryAfter time.Duration
}

// Hit counts one request for name within scope (such as a user ID and a
// namespace) and reports whether it is within threshold per interval.
// Every request is counted, allowed or not, as GitLab does.
func (l *Limiter) Hit(ctx context.Context, name string, threshold int, interval time.Duration, scope ...string) (Result, error) {
	if threshold <= 0 || interval <= 0 {
		return Result{Allowed: true}, nil
	}
	now := time.Now()
	if l.Now != nil {
		now = l.Now()
	}
	window := now.UnixNano() / int64(interval)
	end := time.Unix(0, (window+1)*int64(interval))
	key := name + ":" + strings.Join(scope, ":")
	count, err := l.DB.HitRateLimit(ctx, key, window, end)
	if err != nil {
		return Result{}, err
	}
	return Result{Allowed: count <= threshold, Count: count, RetryAfter: end.Sub(now)}, nil
}

// CleanupArgs is the periodic job that drops ended windows.
type CleanupArgs struct{}

// Kind names the job in the queue.
func (CleanupArgs) Kind() string { return "rate_limit_cleanup" }

// CleanupWorker runs CleanupArgs.
type CleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	DB *store.DB
}

// Work deletes counters of windows that have ended.
func (w *CleanupWorker) Work(ctx context.Context, job *river.Job[CleanupArgs]) error {
	_, err := w.DB.DeleteExpiredRateLimits(ctx, time.Now())
	return err
}

// CleanupJob runs CleanupArgs every ten minutes.
func CleanupJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(10*time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return CleanupArgs{}, nil }, nil)
}

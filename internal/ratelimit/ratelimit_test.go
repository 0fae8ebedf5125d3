package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/ratelimit"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

func TestLimiter_FixedWindow(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	now := time.Date(2026, 1, 1, 10, 0, 30, 0, time.UTC)
	l := &ratelimit.Limiter{DB: db, Now: func() time.Time { return now }}
	for i := 1; i <= 7; i++ {
		res, err := l.Hit(ctx, ratelimit.ProjectExport, 6, time.Minute, "user:1")
		if err != nil {
			t.Fatal(err)
		}
		if want := i <= 6; res.Allowed != want || res.Count != i {
			t.Fatalf("request %d: allowed %v count %d, want %v %d", i, res.Allowed, res.Count, want, i)
		}
		if i == 7 && res.RetryAfter != 30*time.Second {
			t.Errorf("retry after %v, want the 30s left in the minute", res.RetryAfter)
		}
	}
	if res, _ := l.Hit(ctx, ratelimit.ProjectExport, 6, time.Minute, "user:2"); !res.Allowed {
		t.Error("another user shares user 1's counter")
	}
	now = now.Add(30 * time.Second) // the next clock-aligned minute
	if res, _ := l.Hit(ctx, ratelimit.ProjectExport, 6, time.Minute, "user:1"); !res.Allowed || res.Count != 1 {
		t.Errorf("new window: allowed %v count %d", res.Allowed, res.Count)
	}
	if n, err := db.DeleteExpiredRateLimits(ctx, now.Add(time.Second)); err != nil || n != 2 {
		t.Errorf("cleanup removed %d (%v), want the 2 ended windows", n, err)
	}
}

func TestLimiter_ZeroTurnsOff(t *testing.T) {
	t.Parallel()
	l := &ratelimit.Limiter{DB: storetest.Open(t)}
	for range 20 {
		if res, err := l.Hit(context.Background(), ratelimit.ProjectImport, 0, time.Minute, "user:1"); err != nil || !res.Allowed {
			t.Fatalf("limit 0 refused: %v %v", res, err)
		}
	}
}

// TestLimiter_SharedAcrossProcesses pins that two limiters on one database
// (two Ferry processes) share one counter.
func TestLimiter_SharedAcrossProcesses(t *testing.T) {
	t.Parallel()
	url := storetest.URL(t)
	ctx := context.Background()
	var limiters []*ratelimit.Limiter
	for range 2 {
		db := storetest.OpenURL(t, url)
		limiters = append(limiters, &ratelimit.Limiter{DB: db})
	}
	allowed := 0
	for i := range 4 {
		res, err := limiters[i%2].Hit(ctx, ratelimit.ProjectDownloadExport, 2, time.Hour, "user:1", "namespace:1")
		if err != nil {
			t.Fatal(err)
		}
		if res.Allowed {
			allowed++
		}
	}
	if allowed != 2 {
		t.Errorf("%d of 4 requests allowed across two processes, want 2", allowed)
	}
}

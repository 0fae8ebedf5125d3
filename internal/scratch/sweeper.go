package scratch

import (
	"cmp"
	"context"
	"log/slog"
	"time"
)

// DefaultEvery is how often a Sweeper sweeps while it runs.
const DefaultEvery = 10 * time.Minute

// Sweeper sweeps a process's scratch roots: once when asked (at start,
// before any job runs) and then every Every while Run runs. Every process
// runs its own: sweeps of the same roots by several processes at once are
// safe, since only a folder whose lock a sweep holds is removed.
type Sweeper struct {
	// Roots are the folders holding the processes' scratch folders.
	Roots []string
	// Every spaces the sweeps of Run (default DefaultEvery).
	Every time.Duration
	// LegacyAge replaces the package's LegacyAge when set.
	LegacyAge time.Duration
	// After, when set, runs after each sweep of the roots, for leftovers
	// kept elsewhere (an object store's unfinished uploads).
	After  func(ctx context.Context)
	Logger *slog.Logger
}

// Sweep sweeps every root once, logs what it removed, and returns the
// total. Errors are logged, not returned: a sweep that cannot finish is
// tried again by the next.
func (s *Sweeper) Sweep(ctx context.Context) Swept {
	var total Swept
	for _, root := range s.Roots {
		swept, err := Sweep(root, cmp.Or(s.LegacyAge, LegacyAge))
		if err != nil {
			s.Logger.WarnContext(ctx, "sweep scratch files", "root", root, "error", err)
		}
		if swept.Entries > 0 {
			s.Logger.InfoContext(ctx, "removed scratch files that no running process owns", "root", root,
				"entries", swept.Entries, "bytes", swept.Bytes)
		}
		total.Entries += swept.Entries
		total.Bytes += swept.Bytes
	}
	if s.After != nil {
		s.After(ctx)
	}
	return total
}

// Run sweeps every Every until ctx ends (the first sweep after Every:
// call Sweep at start).
func (s *Sweeper) Run(ctx context.Context) {
	tick := time.NewTicker(cmp.Or(s.Every, DefaultEvery))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			s.Sweep(ctx)
		}
	}
}

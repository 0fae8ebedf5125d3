package jobs

import (
	"time"

	"github.com/riverqueue/river"
)

// DefaultTransferSlots is how many outbound transfers (export uploads,
// remote-import downloads) one process runs at once by default: half the
// default workers, so a slow or hung peer never holds every worker.
const DefaultTransferSlots = 2

// Slots bound how many jobs of this process do one kind of step at once.
// A job that finds no free slot does not wait for one while holding a
// worker: it returns Busy and goes back to the queue. A nil *Slots never
// bounds anything.
type Slots struct{ free chan struct{} }

// NewSlots makes n slots (n < 1: DefaultTransferSlots).
func NewSlots(n int) *Slots {
	if n < 1 {
		n = DefaultTransferSlots
	}
	return &Slots{free: make(chan struct{}, n)}
}

// TryTake takes a slot if one is free and reports whether it did. Give it
// back with Release.
func (s *Slots) TryTake() bool {
	if s == nil {
		return true
	}
	select {
	case s.free <- struct{}{}:
		return true
	default:
		return false
	}
}

// Release gives back a slot TryTake took.
func (s *Slots) Release() {
	if s != nil {
		<-s.free
	}
}

// BusyRetry is how long a job that found no free slot waits in the queue.
const BusyRetry = time.Second

// Busy is what a worker returns when it found no free slot: the job goes
// back to the queue for BusyRetry, and the wait does not count against
// its attempts (a River snooze).
func Busy() error { return river.JobSnooze(BusyRetry) }

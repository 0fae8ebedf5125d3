// Package progress records what a running job is doing (ferry.Progress) at
// a bounded rate: a new step is saved at once, the bytes of a step at most
// once per Every, so a job that reads gigabytes writes a row a second, not
// one per read.
package progress

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/ferryhq/ferry"
)

// Every is the default least time between two saves of one step's bytes.
const Every = time.Second

// Recorder keeps one job's progress. A nil *Recorder records nothing; it
// is safe for concurrent use (an upload's body is read by the transport).
type Recorder struct {
	// Save stores the progress; its errors are ignored (progress is
	// advisory: the job goes on without it).
	Save func(ctx context.Context, p *ferry.Progress) error
	// Every bounds the rate of saves within a step (0: Every).
	Every time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time

	mu    sync.Mutex
	p     ferry.Progress
	saved time.Time
}

func (r *Recorder) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

// Step starts step (with item index of count, "" and 0 for none) of
// totalBytes (0: unknown) and saves it.
func (r *Recorder) Step(ctx context.Context, step, item string, index, count int, totalBytes int64) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.now()
	r.p = ferry.Progress{Step: step, Item: item, ItemIndex: index, ItemCount: count, TotalBytes: totalBytes,
		StepStartedAt: t}
	r.save(ctx, t)
}

// Add counts n more bytes done and saves when the last save is at least
// Every old.
func (r *Recorder) Add(ctx context.Context, n int64) {
	if r == nil || n == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.p.DoneBytes += n
	every := r.Every
	if every == 0 {
		every = Every
	}
	if t := r.now(); t.Sub(r.saved) >= every {
		r.save(ctx, t)
	}
}

// Flush saves the bytes counted since the last save.
func (r *Recorder) Flush(ctx context.Context) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.save(ctx, r.now())
}

// Current is the progress as last counted.
func (r *Recorder) Current() ferry.Progress {
	if r == nil {
		return ferry.Progress{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.p
}

func (r *Recorder) save(ctx context.Context, t time.Time) {
	r.saved = t
	p := r.p
	p.UpdatedAt = t
	if r.Save != nil && ctx.Err() == nil {
		_ = r.Save(ctx, &p)
	}
}

// Reader counts what is read from rd as the step's bytes.
func (r *Recorder) Reader(ctx context.Context, rd io.Reader) io.Reader {
	return reader{rd, func(n int) { r.Add(ctx, int64(n)) }}
}

// Writer counts what is written to w as the step's bytes.
func (r *Recorder) Writer(ctx context.Context, w io.Writer) io.Writer {
	return writer{w, func(n int) { r.Add(ctx, int64(n)) }}
}

type reader struct {
	io.Reader
	add func(int)
}

func (c reader) Read(p []byte) (n int, err error) { n, err = c.Reader.Read(p); c.add(n); return }

type writer struct {
	io.Writer
	add func(int)
}

func (c writer) Write(p []byte) (n int, err error) { n, err = c.Writer.Write(p); c.add(n); return }

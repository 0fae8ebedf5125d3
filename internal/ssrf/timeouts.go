package ssrf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Timeouts bound an outbound transfer, as GitLab's HTTP client bounds its
// requests (Gitlab::HTTP DEFAULT_TIMEOUT_OPTIONS: open 10 s, read 20 s,
// write 30 s). None bounds a whole transfer that keeps moving.
type Timeouts struct {
	// Connect bounds resolving, dialling and the TLS handshake.
	Connect time.Duration
	// Read is how long the peer may take to answer a request once it is
	// sent, and to send each next piece of its answer's body.
	Read time.Duration
	// Write is how long the peer may take to accept each next piece of a
	// request body.
	Write time.Duration
}

// DefaultTimeouts are GitLab's.
var DefaultTimeouts = Timeouts{Connect: 10 * time.Second, Read: 20 * time.Second, Write: 30 * time.Second}

// OrDefault fills t's zero fields from DefaultTimeouts.
func (t Timeouts) OrDefault() Timeouts {
	d := DefaultTimeouts
	if t.Connect > 0 {
		d.Connect = t.Connect
	}
	if t.Read > 0 {
		d.Read = t.Read
	}
	if t.Write > 0 {
		d.Write = t.Write
	}
	return d
}

// ErrStalled is wrapped by the error of a transfer that Watch ended.
var ErrStalled = errors.New("stalled")

// stallError says what the peer did not do in time.
type stallError struct {
	what  string
	after time.Duration
}

func (e *stallError) Error() string { return fmt.Sprintf("%s for %s", e.what, e.after) }
func (e *stallError) Unwrap() error { return ErrStalled }

// Watch ends a transfer that stops moving. The context it returns is
// cancelled once a phase set with Expect goes on longer than its limit
// without progress; Stalled then names the phase. Call Stop when the
// transfer is over.
type Watch struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	mu     sync.Mutex
	timer  *time.Timer
	what   string
	limit  time.Duration
}

// NewWatch starts a watch over a transfer made with ctx; no phase is
// timed until Expect.
func NewWatch(ctx context.Context) *Watch {
	w := &Watch{}
	w.ctx, w.cancel = context.WithCancelCause(ctx)
	return w
}

// Context is the transfer's context: make the request with it.
func (w *Watch) Context() context.Context { return w.ctx }

// Expect starts a phase: what the peer must do ("the server sent no
// data"), within limit, and again within limit after each Progress. A
// limit of 0 times nothing.
func (w *Watch) Expect(what string, limit time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer != nil {
		w.timer.Stop()
	}
	w.what, w.limit, w.timer = what, limit, nil
	if limit > 0 {
		w.timer = time.AfterFunc(limit, func() { w.cancel(&stallError{what: what, after: limit}) })
	}
}

// Progress restarts the current phase's clock.
func (w *Watch) Progress() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer != nil {
		w.timer.Reset(w.limit)
	}
}

// Stop ends the watch and releases its context.
func (w *Watch) Stop() {
	w.Expect("", 0)
	w.cancel(context.Canceled)
}

// Stalled returns err, or the stall that caused it when the watch ended
// the transfer; the stall's error wraps ErrStalled.
func (w *Watch) Stalled(err error) error {
	if err == nil {
		return nil
	}
	var stall *stallError
	if errors.As(context.Cause(w.ctx), &stall) {
		return stall
	}
	return err
}

// Reader counts each read of r that returns data as progress.
func (w *Watch) Reader(r io.Reader) io.Reader { return &watchedReader{r: r, w: w} }

type watchedReader struct {
	r io.Reader
	w *Watch
}

func (r *watchedReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.w.Progress()
	}
	return n, err
}

// Body is a request body read from r that counts each read as progress
// and ends the current phase once r is all read: the wait for the answer
// is then the client's (Timeouts.Read from the last write).
func (w *Watch) Body(r io.Reader) io.ReadCloser { return &watchedBody{r: r, w: w} }

type watchedBody struct {
	r    io.Reader
	w    *Watch
	sent bool
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 {
		b.w.Progress()
	}
	if err == io.EOF && !b.sent {
		b.sent = true
		b.w.Expect("", 0)
	}
	return n, err
}

func (b *watchedBody) Close() error { return nil }

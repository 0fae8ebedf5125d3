package ssrf

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// slowReader is a loopback HTTP server that reads a request body chunk
// bytes every pause (chunk 0: never reads), then answers 200.
func slowReader(t *testing.T, chunk int, pause time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if chunk == 0 {
			<-done
			return
		}
		buf := make([]byte, chunk)
		for {
			if _, err := io.ReadFull(r.Body, buf); err != nil {
				return
			}
			time.Sleep(pause)
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() {
		close(done)
		srv.Close()
	})
	return "http://" + ln.Addr().String() + "/upload?signature=secret"
}

// TestWatch_Upload pins that Watch ends an upload whose peer stops taking
// data for the write limit, with an error that says so (and wraps
// ErrStalled), but not one that keeps taking data slowly, however long
// it takes in all.
func TestWatch_Upload(t *testing.T) {
	t.Parallel()
	const size = 8 << 20 // more than loopback's socket buffers take
	for _, tt := range []struct {
		name    string
		chunk   int
		pause   time.Duration
		stalled bool
	}{
		{"PeerStopsReading", 0, 0, true},
		{"SlowButMoving", 1 << 20, 100 * time.Millisecond, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			target := slowReader(t, tt.chunk, tt.pause)
			p := Policy{AllowLocal: true, Timeouts: Timeouts{Read: 5 * time.Second, Write: 300 * time.Millisecond}}
			w := NewWatch(context.Background())
			defer w.Stop()
			w.Expect("the server took no data", p.Timeouts.Write)
			body := io.LimitReader(zeros{}, size)
			req, _ := http.NewRequestWithContext(w.Context(), "PUT", target, w.Body(body))
			req.ContentLength = size
			start := time.Now()
			resp, err := p.Client(0).Do(req)
			err = w.Stalled(RedactError(err))
			if resp != nil {
				resp.Body.Close()
			}
			took := time.Since(start)
			if got := errors.Is(err, ErrStalled); got != tt.stalled {
				t.Fatalf("error %v after %v, want stalled %v", err, took, tt.stalled)
			}
			if tt.stalled && (err.Error() != "the server took no data for 300ms" || took > 10*time.Second) {
				t.Errorf("error %q after %v", err, took)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows the query: %v", err)
			}
		})
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

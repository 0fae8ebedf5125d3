package remote

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// fakeGitLab answers GET /api/v4/projects/g%2Fp/export with the answers
// in turn (status, Retry-After, body), the last one forever.
func fakeGitLab(t *testing.T, answers ...[3]string) (*Client, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("PRIVATE-TOKEN") != "tok" || r.URL.EscapedPath() != "/api/v4/projects/g%2Fp/export" {
			t.Errorf("request %s with token %q", r.URL.EscapedPath(), r.Header.Get("PRIVATE-TOKEN"))
		}
		a := answers[min(int(calls.Add(1))-1, len(answers)-1)]
		if a[1] != "" {
			w.Header().Set("Retry-After", a[1])
		}
		code := map[string]int{"200": 200, "429": 429, "503": 503, "401": 401}[a[0]]
		w.WriteHeader(code)
		io.WriteString(w, a[2])
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL+"/api/v4/", "tok", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	c.Backoff, c.Poll, c.MaxPoll, c.NoExport = time.Millisecond, time.Millisecond, 5*time.Millisecond, 50*time.Millisecond
	return c, &calls
}

// TestWaitExport pins the client's handling of what a server answers
// while an export runs: 429s are waited out, 5xx retried, a refusal
// ends at once, failed and a lasting none are errors.
func TestWaitExport(t *testing.T) {
	t.Parallel()
	finished := [3]string{"200", "", `{"export_status":"finished"}`}
	for _, tt := range []struct {
		name    string
		answers [][3]string
		want    error
		calls   int32
	}{
		{"OK", [][3]string{{"200", "", `{"export_status":"queued"}`}, finished}, nil, 2},
		{"RateLimited", [][3]string{{"429", "0", `{"message":{"error":"This endpoint has been requested too many times."}}`}, finished}, nil, 2},
		{"Transient", [][3]string{{"503", "", "busy"}, {"503", "", "busy"}, finished}, nil, 3},
		{"Unauthorized", [][3]string{{"401", "", `{"message":"401 Unauthorized"}`}}, ErrUnauthorized, 1},
		{"Failed", [][3]string{{"200", "", `{"export_status":"failed"}`}}, ErrExportFailed, 1},
		{"NeverStarts", [][3]string{{"200", "", `{"export_status":"none"}`}}, ErrExportFailed, 0},
		{"AlwaysDown", [][3]string{{"503", "", "down"}}, nil, 6},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, calls := fakeGitLab(t, tt.answers...)
			_, err := c.WaitExport(context.Background(), "g/p", func(ExportStatus) {})
			switch {
			case tt.name == "AlwaysDown":
				var ae *APIError
				if !errors.As(err, &ae) || ae.Status != 503 || ae.Message != "down" {
					t.Errorf("err = %v, want the 503 after the retries", err)
				}
			case !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil):
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if tt.calls > 0 && calls.Load() != tt.calls {
				t.Errorf("%d calls, want %d", calls.Load(), tt.calls)
			}
		})
	}
}

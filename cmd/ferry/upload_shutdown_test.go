package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/store/storetest"
)

// slowSink is an upload peer on loopback. It reads nothing of its first
// upload for firstFor, then takes it (200); with firstFor 0 it holds the
// first upload unanswered until the test ends. Later uploads are taken at
// once. It keeps the bodies it took.
type slowSink struct {
	firstFor time.Duration
	started  chan struct{}
	release  chan struct{}
	mu       sync.Mutex
	requests int
	bodies   [][]byte
}

func (s *slowSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	first := s.requests == 1
	s.mu.Unlock()
	if first {
		close(s.started)
		if s.firstFor == 0 {
			<-s.release
			return
		}
		time.Sleep(s.firstFor)
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.bodies = append(s.bodies, b)
	s.mu.Unlock()
}

// TestServe_SIGTERMDuringUpload pins what a stop does to an export
// upload under way: within the grace it is let finish (and the process
// exits after); past the grace it is interrupted, goes back to the queue,
// and the next start sends the whole archive again. Either way the peer
// ends up with the archive and upload_status is finished.
func TestServe_SIGTERMDuringUpload(t *testing.T) {
	t.Parallel()
	bin := buildFerry(t)
	for _, tt := range []struct {
		name, grace string
		firstFor    time.Duration
		wantLog     string
		requests    int
	}{
		{"FinishesWithinGrace", "30s", 1500 * time.Millisecond, "export uploaded", 1},
		{"ResentAfterRestart", "200ms", 0, "export upload interrupted by a shutdown; it is sent again at the next start", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sink := &slowSink{firstFor: tt.firstFor, started: make(chan struct{}), release: make(chan struct{})}
			peer := httptest.NewServer(sink)
			t.Cleanup(peer.Close)
			t.Cleanup(func() { close(sink.release) })
			data, addr := t.TempDir(), freeAddr(t)
			env := []string{"FERRY_DATABASE_URL=" + storetest.URL(t), "FERRY_DATA=" + data, "FERRY_ROOT_TOKEN=" + scaleToken,
				"FERRY_LOG_FORMAT=json", "FERRY_SHUTDOWN_GRACE=" + tt.grace}
			first := startFerry(t, bin, env, "--listen", addr)
			waitHealthy(t, "http://"+addr)
			h := &scaleHTTP{t: t, base: "http://" + addr + "/api/v4"}
			h.do("PUT", "/application/settings", "allow_local_requests_from_web_hooks_and_services=true&project_download_export_limit=0")
			var p struct{ ID int64 }
			h.decode(h.do("POST", "/projects", "path=up&initialize_with_readme=true"), &p)
			target := peer.URL + "/bucket/export.tar.gz?X-Amz-Signature=secret-signature"
			h.do("POST", fmt.Sprintf("/projects/%d/export", p.ID), "upload[http_method]=PUT&upload[url]="+url.QueryEscape(target))
			select {
			case <-sink.started:
			case <-time.After(time.Minute):
				t.Fatal("the upload never started")
			}

			stopped := time.Now()
			first.cmd.Process.Signal(syscall.SIGTERM)
			if err := first.cmd.Wait(); err != nil || time.Since(stopped) > 45*time.Second {
				t.Fatalf("ferry serve after SIGTERM: %v after %v", err, time.Since(stopped))
			}
			t.Logf("stopped in %v", time.Since(stopped).Round(10*time.Millisecond))
			lines := logLines(t, first.log)
			if !lines.has("msg", tt.wantLog) {
				t.Errorf("the log lacks %q", tt.wantLog)
			}
			if lines.has("level", "ERROR") {
				t.Errorf("a normal shutdown logged an ERROR:\n%s", lines.with("level", "ERROR"))
			}

			startFerry(t, bin, env, "--listen", addr)
			waitHealthy(t, "http://"+addr)
			var st struct {
				UploadStatus string `json:"upload_status"`
				UploadError  string `json:"upload_error"`
			}
			for deadline := time.Now().Add(time.Minute); st.UploadStatus != "finished"; time.Sleep(50 * time.Millisecond) {
				h.decode(h.do("GET", fmt.Sprintf("/projects/%d/export", p.ID), ""), &st)
				if st.UploadStatus == "failed" || time.Now().After(deadline) {
					t.Fatalf("upload %s %q", st.UploadStatus, st.UploadError)
				}
			}
			archive := h.do("GET", fmt.Sprintf("/projects/%d/export/download", p.ID), "")
			sink.mu.Lock()
			defer sink.mu.Unlock()
			if sink.requests != tt.requests || len(sink.bodies) != 1 || !bytes.Equal(sink.bodies[0], archive) {
				t.Errorf("the peer got %d requests and %d whole bodies (want %d and the %d-byte archive)",
					sink.requests, len(sink.bodies), tt.requests, len(archive))
			}
		})
	}
}

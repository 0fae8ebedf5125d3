package api_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/ssrf"
)

// peer is a loopback HTTP(S) server that misbehaves on the transfer
// itself: it answers a remote import's header check (HEAD) as an archive
// host would, then serves GETs and uploads with serve. It counts the
// transfers it holds at once and in all.
type peer struct {
	mu            sync.Mutex
	held, maxHeld int
	transfers     int
	release       chan struct{}
	once          sync.Once
}

// newPeer returns a peer whose handlers hold a transfer until the client
// gives up or the test ends.
func newPeer() *peer { return &peer{release: make(chan struct{})} }

// releaseAtEnd lets the held transfers go when t ends, before the
// servers made so far close (they wait for their handlers).
func (p *peer) releaseAtEnd(t *testing.T) {
	t.Cleanup(func() { p.once.Do(func() { close(p.release) }) })
}

// source is an https remote-import source served by p in mode.
func (p *peer) source(t *testing.T, mode string) *httptest.Server {
	ts := tlsServer(t, p.handler(mode))
	p.releaseAtEnd(t)
	return ts
}

// hold blocks until the client gives up or the test ends, counting the
// transfer as held meanwhile.
func (p *peer) hold(r *http.Request) {
	p.mu.Lock()
	p.held++
	p.transfers++
	p.maxHeld = max(p.maxHeld, p.held)
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.held--
		p.mu.Unlock()
	}()
	select {
	case <-r.Context().Done():
	case <-p.release:
	}
}

func (p *peer) counts() (held, maxHeld, transfers int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held, p.maxHeld, p.transfers
}

// Ways a peer misbehaves once the transfer starts.
const (
	silent = "silent" // takes the request and never answers
	stalls = "stalls" // answers with headers and a few bytes (a download) or reads a few bytes (an upload), then nothing
)

// handler serves mode: HEAD as a good archive, other requests held.
func (p *peer) handler(mode string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.Header().Set("Content-Type", "application/gzip")
			w.Header().Set("Content-Length", "100000")
			return
		}
		if mode == stalls {
			if r.Method == http.MethodGet {
				w.Header().Set("Content-Type", "application/gzip")
				w.Header().Set("Content-Length", "100000")
				w.Write([]byte("\x1f\x8b\x08"))
				w.(http.Flusher).Flush()
			} else {
				io.ReadFull(r.Body, make([]byte, 10))
			}
		}
		p.hold(r)
	}
}

// silentListener accepts connections and never reads or answers; it
// returns its address.
func (p *peer) silentListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				req, _ := http.NewRequest("PUT", "/", nil)
				p.hold(req)
			}()
		}
	}()
	return ln.Addr().String()
}

// uploadTarget is an upload URL served by p in mode, on plain http.
func (p *peer) uploadTarget(t *testing.T, mode string) string {
	t.Helper()
	const path = "/bucket/export.tar.gz?X-Amz-Signature=secret-signature"
	if mode == stalls {
		ts := httptest.NewServer(p.handler(mode))
		t.Cleanup(ts.Close)
		p.releaseAtEnd(t)
		return ts.URL + path
	}
	addr := p.silentListener(t)
	p.releaseAtEnd(t)
	return "http://" + addr + path
}

// transferEnv is a server with the given transfer timeouts that trusts
// the test TLS servers, allows local requests and has no rate limits in
// the way.
func transferEnv(t *testing.T, timeouts ssrf.Timeouts) *servertest.Env {
	t.Helper()
	env := servertest.StartWith(t, servertest.Options{CAFile: servertest.CAFile(t, tlsServer(t, http.NotFound)),
		TransferTimeouts: timeouts, ShutdownGrace: 100 * time.Millisecond})
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{AllowLocalRequestsFromWebHooksAndServices: gitlab.Ptr(true),
		ProjectImportLimit: gitlab.Ptr(int64(0)), ProjectExportLimit: gitlab.Ptr(int64(0))})
	return env
}

// scheduleUpload creates a project and schedules its export to target.
func scheduleUpload(t *testing.T, env *servertest.Env, path, target string) int64 {
	t.Helper()
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr(path),
		InitializeWithReadme: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Root.ProjectImportExport.ScheduleExport(p.ID, &gitlab.ScheduleExportOptions{
		Upload: gitlab.ScheduleExportUploadOptions{URL: gitlab.Ptr(target), HTTPMethod: gitlab.Ptr("PUT")}}); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// waitUpload polls until project id's upload ends and returns the export
// status.
func waitUpload(t *testing.T, env *servertest.Env, id int64, within time.Duration) map[string]any {
	t.Helper()
	var status map[string]any
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		_, body, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(id)+"/export", servertest.RootToken, "", "")
		status = decode(t, body)
		if us := status["upload_status"]; us == "finished" || us == "failed" {
			return status
		}
	}
	t.Fatalf("the upload of %d did not end within %v: %v", id, within, status)
	return nil
}

// TestTransfers_Timeouts pins that a peer that never answers, or answers
// a little and then stalls, fails an export upload (upload_error) or a
// remote import (import_error, after its retries) within the transfer
// timeouts, instead of holding a worker for the job's whole time limit.
func TestTransfers_Timeouts(t *testing.T) {
	t.Parallel()
	timeouts := ssrf.Timeouts{Connect: time.Second, Read: time.Second, Write: time.Second}
	env := transferEnv(t, timeouts)
	for _, tt := range []struct {
		name, mode string
		upload     bool
		want       []string // any of
	}{
		{"DownloadSilent", silent, false, []string{"timeout awaiting response headers"}},
		{"DownloadStalls", stalls, false, []string{"download: the server sent no data for 1s"}},
		{"UploadSilent", silent, true, []string{"timeout awaiting response headers", "upload: the server took no data for 1s"}},
		{"UploadStalls", stalls, true, []string{"timeout awaiting response headers", "upload: the server took no data for 1s"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := newPeer()
			start := time.Now()
			var got string
			if tt.upload {
				id := scheduleUpload(t, env, "up-"+strings.ToLower(tt.name), p.uploadTarget(t, tt.mode))
				st := waitUpload(t, env, id, 30*time.Second)
				if st["export_status"] != "finished" || st["upload_status"] != "failed" {
					t.Fatalf("status %v", st)
				}
				got = fmt.Sprint(st["upload_error"])
			} else {
				src := p.source(t, tt.mode)
				status, body := remoteImport(t, env, map[string]any{"url": src.URL + "/a.tar.gz?sig=secret-signature",
					"path": "im-" + strings.ToLower(tt.name)})
				if status != 201 {
					t.Fatalf("%d %s", status, body)
				}
				st := waitImport(t, env, servertest.RootToken, projectID(t, body))
				if st.ImportStatus != "failed" {
					t.Fatalf("import %s", st.ImportStatus)
				}
				got = deref(st.ImportError)
				if _, _, n := p.counts(); n != 3 {
					t.Errorf("the source saw %d downloads, want 3 (a timeout is retried)", n)
				}
			}
			took := time.Since(start)
			t.Logf("%s failed after %v: %s", tt.name, took.Round(10*time.Millisecond), got)
			if took > 25*time.Second {
				t.Errorf("it took %v to fail with 1s timeouts", took)
			}
			if !containsAny(got, tt.want) || strings.Contains(got, "secret-signature") {
				t.Errorf("error %q, want one of %q and no signature", got, tt.want)
			}
		})
	}
}

// TestTransfers_S3DownloadStalls pins the read timeout on a
// remote-import-s3 download: an object store that sends the object's
// headers and a few bytes, then nothing, fails the import after its
// retries with import_error.
func TestTransfers_S3DownloadStalls(t *testing.T) {
	t.Parallel()
	p := newPeer()
	store := p.source(t, stalls)
	env := servertest.StartWith(t, servertest.Options{CAFile: servertest.CAFile(t, store), S3Endpoint: store.URL,
		TransferTimeouts: ssrf.Timeouts{Read: time.Second}, ShutdownGrace: 100 * time.Millisecond})
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0))})
	start := time.Now()
	status, body := s3Import(t, env, map[string]any{"region": "us-east-1", "bucket_name": "b", "file_key": "x.tar.gz",
		"access_key_id": "AK", "secret_access_key": "secret-key", "path": "s3-stalls"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	st := waitImport(t, env, servertest.RootToken, projectID(t, body))
	got := deref(st.ImportError)
	t.Logf("failed after %v: %s", time.Since(start).Round(10*time.Millisecond), got)
	if st.ImportStatus != "failed" || !strings.Contains(got, "download: the object store sent no data for 1s") ||
		strings.Contains(got, "secret-key") {
		t.Errorf("import %s %q", st.ImportStatus, got)
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestTransfers_HungPeersLeaveWorkers pins that transfers to peers that
// hang (timeouts far away) hold at most the transfer slots (2 of the 4
// workers): the other jobs wait in the queue without holding a worker,
// and an ordinary import finishes meanwhile.
func TestTransfers_HungPeersLeaveWorkers(t *testing.T) {
	t.Parallel()
	env := transferEnv(t, ssrf.Timeouts{Read: time.Hour, Write: time.Hour})
	p := newPeer()
	src := p.source(t, silent)
	var remote []int64
	for i := range 3 {
		status, body := remoteImport(t, env, map[string]any{"url": src.URL + "/a.tar.gz", "path": "hung-" + strconv.Itoa(i)})
		if status != 201 {
			t.Fatalf("%d %s", status, body)
		}
		remote = append(remote, projectID(t, body))
	}
	for i := range 2 {
		scheduleUpload(t, env, "hung-up-"+strconv.Itoa(i), p.uploadTarget(t, silent))
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if held, _, _ := p.counts(); held == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the peers never held two transfers")
		}
	}
	start := time.Now()
	importFinished(t, env, fixtureArchive(t, "0.2.4", nil), map[string]string{"path": "ordinary"})
	t.Logf("an ordinary import finished in %v while two transfers hung", time.Since(start).Round(10*time.Millisecond))
	held, maxHeld, _ := p.counts()
	if held != 2 || maxHeld != 2 {
		t.Errorf("the peers hold %d transfers (at most %d at once), want 2 (the slots)", held, maxHeld)
	}
	for _, id := range remote {
		if st := importState(t, env, id); st == "finished" || st == "failed" {
			t.Errorf("remote import %d ended (%s) although its source never answered", id, st)
		}
	}
}

// importState is project id's import_status.
func importState(t *testing.T, env *servertest.Env, id int64) string {
	t.Helper()
	_, body, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(id)+"/import", servertest.RootToken, "", "")
	return fmt.Sprint(decode(t, body)["import_status"])
}

// TestRemoteImport_PermanentDownloadFailures pins that a download that
// cannot succeed on a retry (the file is gone, not an archive, or larger
// than allowed, although the header check passed) fails the import at
// once: the source sees exactly one download.
func TestRemoteImport_PermanentDownloadFailures(t *testing.T) {
	t.Parallel()
	env := transferEnv(t, ssrf.Timeouts{})
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{MaxImportRemoteFileSize: gitlab.Ptr(int64(1))})
	for _, tt := range []struct {
		name   string
		answer func(w http.ResponseWriter)
		want   string
	}{
		{"NotFound", func(w http.ResponseWriter) { http.NotFound(w, nil) }, "download: the server answered 404 Not Found"},
		{"Gone", func(w http.ResponseWriter) { w.WriteHeader(http.StatusGone) }, "download: the server answered 410 Gone"},
		{"WrongType", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>sign in</html>"))
		}, "download: Content type 'text/html' not allowed."},
		{"TooLarge", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/gzip")
			w.Header().Set("Content-Length", strconv.Itoa(2<<20))
			w.Write(make([]byte, 2<<20))
		}, "the file is 2 MiB, more than the 1 MiB allowed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			gets := 0
			src := tlsServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodHead {
					w.Header().Set("Content-Type", "application/gzip")
					w.Header().Set("Content-Length", "1000")
					return
				}
				mu.Lock()
				gets++
				mu.Unlock()
				tt.answer(w)
			})
			status, body := remoteImport(t, env, map[string]any{"url": src.URL + "/a.tar.gz", "path": "perm-" + strings.ToLower(tt.name)})
			if status != 201 {
				t.Fatalf("%d %s", status, body)
			}
			st := waitImport(t, env, servertest.RootToken, projectID(t, body))
			if st.ImportStatus != "failed" || !strings.Contains(deref(st.ImportError), tt.want) {
				t.Errorf("import %s %q, want failed with %q", st.ImportStatus, deref(st.ImportError), tt.want)
			}
			time.Sleep(300 * time.Millisecond) // a retry would come after 100ms
			mu.Lock()
			defer mu.Unlock()
			if gets != 1 {
				t.Errorf("the source saw %d downloads, want 1", gets)
			}
		})
	}
}

package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// upstream serves body with contentType at any path, as a remote archive
// host would.
func upstream(t *testing.T, contentType string, body []byte) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodGet {
			w.Write(body)
		}
	}))
	t.Cleanup(ts.Close)
	return ts
}

func remoteImport(t *testing.T, env *servertest.Env, body map[string]any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	status, resp, _ := call(t, env, "POST", "/api/v4/projects/remote-import", servertest.RootToken, "application/json", string(b))
	return status, resp
}

// TestRemoteImport_Checks pins GitLab's synchronous checks of a remote
// URL, SSRF refusals included (refused before any connection).
func TestRemoteImport_Checks(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	empty := upstream(t, "application/gzip", nil)
	text := upstream(t, "text/plain", []byte("hello"))
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0))})
	for _, tt := range []struct {
		name, url  string
		allowLocal bool
		want       string
	}{
		{"HTTPNotAllowed", "http://example.com/a.tar.gz", false, "File url is blocked: Only allowed schemes are https"},
		{"NotAURL", "::nope", false, "File url must be a valid URL"},
		{"Loopback", "https://127.0.0.1:9/a.tar.gz", false, "File url is blocked: Requests to localhost are not allowed"},
		{"LoopbackV6", "https://[::1]:9/a.tar.gz", false, "File url is blocked: Requests to localhost are not allowed"},
		{"Localhost", "https://localhost:9/a.tar.gz", false, "File url is blocked: Requests to localhost are not allowed"},
		{"Metadata", "https://169.254.169.254/latest/meta-data", false, "File url is blocked: Requests to the link local network are not allowed"},
		{"Private", "https://10.1.2.3/a.tar.gz", false, "File url is blocked: Requests to the local network are not allowed"},
		{"Empty", empty.URL + "/a.tar.gz", true, "Content length is too small (should be at least 1 B)"},
		{"WrongType", text.URL + "/a.tar.gz", true,
			"Content type 'text/plain' not allowed. (Allowed: application/gzip, application/x-tar, application/x-gzip)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			setAdmin(t, env, &gitlab.UpdateSettingsOptions{AllowLocalRequestsFromWebHooksAndServices: gitlab.Ptr(tt.allowLocal)})
			status, body := remoteImport(t, env, map[string]any{"url": tt.url, "path": "p-" + strings.ToLower(tt.name)})
			if want := `{"message":"` + tt.want + `"}`; status != 400 || body != want {
				t.Errorf("got %d %s, want 400 %s", status, body, want)
			}
		})
	}
	t.Run("TooBig", func(t *testing.T) {
		big := upstream(t, "application/gzip", make([]byte, 2<<20))
		setAdmin(t, env, &gitlab.UpdateSettingsOptions{AllowLocalRequestsFromWebHooksAndServices: gitlab.Ptr(true),
			MaxImportRemoteFileSize: gitlab.Ptr(int64(1))})
		defer setAdmin(t, env, &gitlab.UpdateSettingsOptions{MaxImportRemoteFileSize: gitlab.Ptr(int64(10240))})
		status, body := remoteImport(t, env, map[string]any{"url": big.URL + "/a.tar.gz", "path": "big"})
		if status != 400 || body != `{"message":"Content length is too big (should be at most 1 MiB)"}` {
			t.Errorf("got %d %s", status, body)
		}
	})
	t.Run("Missing", func(t *testing.T) {
		if status, body := remoteImport(t, env, map[string]any{}); status != 400 || body != `{"error":"url is missing, path is missing"}` {
			t.Errorf("got %d %s", status, body)
		}
	})
}

func TestRemoteImport_FromURL(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{AllowLocalRequestsFromWebHooksAndServices: gitlab.Ptr(true)})
	bundle, refs := sourceRepo(t)
	good := upstream(t, "application/gzip", fixtureArchive(t, "0.2.4", map[string][]byte{"project.bundle": bundle}))
	// python-gitlab's form of the request: flat override_params, "False".
	status, body := remoteImport(t, env, map[string]any{"url": good.URL + "/export.tar.gz", "path": "remote",
		"overwrite": "False", "override_params[visibility]": "public", "namespace": "root"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	id := projectID(t, body)
	st := waitImport(t, env, servertest.RootToken, id)
	if st.ImportStatus != "finished" || st.Stats.Imported["issues"] == 0 {
		t.Fatalf("remote import %s %v", st.ImportStatus, deref(st.ImportError))
	}
	for rel, n := range fixtureCounts(t) {
		if st.Stats.Fetched[rel] != n {
			t.Errorf("%s: fetched %d, want %d", rel, st.Stats.Fetched[rel], n)
		}
	}
	got, _ := git(t, ".", "--git-dir="+env.Server.Repos.Dir(id), "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads", "refs/tags")
	if got != refs {
		t.Errorf("refs %s", got)
	}
	p, _, _ := env.Root.Projects.GetProject(id, nil)
	if p.Visibility != gitlab.PublicVisibility {
		t.Errorf("override_params ignored: %s", p.Visibility)
	}
	im, _ := env.Server.DB.ImportOf(context.Background(), id)
	if im.SourceData != "" {
		t.Error("the source URL is kept after the import ended")
	}
}

// TestRemoteImport_LyingServer pins that a body shorter than its
// Content-Length fails the import cleanly, keeping nothing.
func TestRemoteImport_LyingServer(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{AllowLocalRequestsFromWebHooksAndServices: gitlab.Ptr(true)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nContent-Length: 100000\r\n\r\n"))
				if req.Method == http.MethodGet {
					conn.Write([]byte("\x1f\x8b only a little"))
				}
			}()
		}
	}()
	status, body := remoteImport(t, env, map[string]any{"url": "http://" + ln.Addr().String() + "/a.tar.gz", "path": "liar"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	st := waitImport(t, env, servertest.RootToken, projectID(t, body))
	if st.ImportStatus != "failed" || st.ImportError == nil {
		t.Fatalf("import %s %v", st.ImportStatus, deref(st.ImportError))
	}
	if left, _ := filepath.Glob(filepath.Join(env.DataDir, "tmp", "*", "import-*")); len(left) != 0 {
		t.Errorf("work folders left: %v", left)
	}
	if _, err := os.Stat(filepath.Join(env.DataDir, "blobs", "imports")); err == nil {
		if left, _ := os.ReadDir(filepath.Join(env.DataDir, "blobs", "imports")); len(left) != 0 {
			t.Errorf("uploads left: %v", left)
		}
	}
}

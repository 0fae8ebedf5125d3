package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// upstream serves body with contentType at any path over https, as a
// remote archive host would. Every upstream has httptest's certificate,
// which tlsEnv's server trusts.
func upstream(t *testing.T, contentType string, body []byte) *httptest.Server {
	t.Helper()
	return tlsServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodGet {
			w.Write(body)
		}
	})
}

func tlsServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	ts := httptest.NewTLSServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// tlsEnv starts a server that trusts the upstreams' test certificate
// through its extra CA file (FERRY_CA_FILE), with local requests allowed
// and no import rate limit.
func tlsEnv(t *testing.T, ts *httptest.Server) *servertest.Env {
	t.Helper()
	env := servertest.StartWith(t, servertest.Options{CAFile: servertest.CAFile(t, ts)})
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{AllowLocalRequestsFromWebHooksAndServices: gitlab.Ptr(true),
		ProjectImportLimit: gitlab.Ptr(int64(0))})
	return env
}

func remoteImport(t *testing.T, env *servertest.Env, body map[string]any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	status, resp, _ := call(t, env, "POST", "/api/v4/projects/remote-import", servertest.RootToken, "application/json", string(b))
	return status, resp
}

// TestRemoteImport_Checks pins GitLab's synchronous checks of a remote
// URL and their messages (GitLab 17.x-18.x RemoteFile strategy, see
// source.CheckURL): https only, even with local requests allowed, and
// with no request sent; SSRF refusals before any connection; then the
// headers of whatever the source answers, a 404 page included.
func TestRemoteImport_Checks(t *testing.T) {
	t.Parallel()
	empty := upstream(t, "application/gzip", nil)
	env := tlsEnv(t, empty)
	text := upstream(t, "text/plain", []byte("hello"))
	notFound := tlsServer(t, http.NotFound)
	notFoundEmpty := tlsServer(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	notFoundGzip := tlsServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		w.Header().Set("Content-Length", "10")
		w.WriteHeader(http.StatusNotFound)
	})
	var plainHits atomic.Int32
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { plainHits.Add(1) }))
	t.Cleanup(plain.Close)
	const onlyHTTPS = "File url is blocked: Only allowed schemes are https"
	for _, tt := range []struct {
		name, url  string
		allowLocal bool
		want       string
	}{
		{"HTTPNotAllowed", "http://example.com/a.tar.gz", false, onlyHTTPS},
		{"HTTPEvenWithLocalAllowed", plain.URL + "/a.tar.gz", true, onlyHTTPS},
		{"NotAURL", "not a url", false, onlyHTTPS},
		{"NoScheme", "example.com/a.tar.gz", true, onlyHTTPS},
		{"FTP", "ftp://example.com/a.tar.gz", true, onlyHTTPS},
		{"Unparseable", "::nope", false, "File url is blocked: URI is invalid"},
		{"BadHost", "https://exa mple.com/a.tar.gz", false, "File url is blocked: URI is invalid"},
		{"Blank", "", false, "File url must be a valid URL"},
		{"Spaces", "   ", false, "File url must be a valid URL"},
		{"Loopback", "https://127.0.0.1:9/a.tar.gz", false, "File url is blocked: Requests to localhost are not allowed"},
		{"LoopbackV6", "https://[::1]:9/a.tar.gz", false, "File url is blocked: Requests to localhost are not allowed"},
		{"Localhost", "https://localhost:9/a.tar.gz", false, "File url is blocked: Requests to localhost are not allowed"},
		{"Metadata", "https://169.254.169.254/latest/meta-data", false, "File url is blocked: Requests to the link local network are not allowed"},
		{"Private", "https://10.1.2.3/a.tar.gz", false, "File url is blocked: Requests to the local network are not allowed"},
		{"Empty", empty.URL + "/a.tar.gz", true, "Content length is too small (should be at least 1 B)"},
		{"WrongType", text.URL + "/a.tar.gz", true,
			"Content type 'text/plain' not allowed. (Allowed: application/gzip, application/x-tar, application/x-gzip)"},
		{"NotFound", notFound.URL + "/a.tar.gz", true,
			"Content type 'text/plain; charset=utf-8' not allowed. (Allowed: application/gzip, application/x-tar, application/x-gzip)"},
		{"NotFoundNoBody", notFoundEmpty.URL + "/a.tar.gz", true, "Content length is too small (should be at least 1 B)"},
		// Ferry refuses now what GitLab would accept and fail later.
		{"NotFoundArchiveHeaders", notFoundGzip.URL + "/a.tar.gz", true, "Failed to retrive headers: the server answered 404 Not Found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			setAdmin(t, env, &gitlab.UpdateSettingsOptions{AllowLocalRequestsFromWebHooksAndServices: gitlab.Ptr(tt.allowLocal)})
			status, body := remoteImport(t, env, map[string]any{"url": tt.url, "path": "p-" + strings.ToLower(tt.name)})
			if want := `{"message":"` + tt.want + `"}`; status != 400 || body != want {
				t.Errorf("got %d %s, want 400 %s", status, body, want)
			}
		})
	}
	if n := plainHits.Load(); n != 0 {
		t.Errorf("the http source was asked %d times", n)
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

// TestRemoteImport_UntrustedCertificate pins that, without the extra CA
// file, a source whose certificate no system root signed is refused: the
// setting adds roots, it does not turn verification off.
func TestRemoteImport_UntrustedCertificate(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{AllowLocalRequestsFromWebHooksAndServices: gitlab.Ptr(true)})
	var hits atomic.Int32
	src := tlsServer(t, func(http.ResponseWriter, *http.Request) { hits.Add(1) })
	status, body := remoteImport(t, env, map[string]any{"url": src.URL + "/a.tar.gz?sig=secret", "path": "untrusted"})
	if status != 400 || !strings.HasPrefix(body, `{"message":"Failed to retrive headers: `) ||
		!strings.Contains(body, "certificate signed by unknown authority") || strings.Contains(body, "secret") {
		t.Errorf("got %d %s", status, body)
	}
	if hits.Load() != 0 {
		t.Error("a request was sent over the untrusted connection")
	}
}

// TestRemoteImport_FromURL imports from an https source on loopback that
// the server trusts through its extra CA file.
func TestRemoteImport_FromURL(t *testing.T) {
	t.Parallel()
	bundle, refs := sourceRepo(t)
	good := upstream(t, "application/gzip", fixtureArchive(t, "0.2.4", map[string][]byte{"project.bundle": bundle}))
	env := tlsEnv(t, good)
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
	liar := tlsServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		w.Header().Set("Content-Length", "100000")
		if r.Method == http.MethodGet {
			w.Write([]byte("\x1f\x8b only a little"))
		}
	})
	env := tlsEnv(t, liar)
	status, body := remoteImport(t, env, map[string]any{"url": liar.URL + "/a.tar.gz", "path": "liar"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	id := projectID(t, body)
	st := waitImport(t, env, servertest.RootToken, id)
	if st.ImportStatus != "failed" || st.ImportError == nil {
		t.Fatalf("import %s %v", st.ImportStatus, deref(st.ImportError))
	}
	// The progress shows the download it stopped at, with the bytes got.
	_, body, _ = call(t, env, "GET", "/api/v4/projects/"+itoa(id)+"/import", servertest.RootToken, "", "")
	if pr, _ := decode(t, body)["progress"].(map[string]any); pr["step"] != "downloading" ||
		pr["done_bytes"] != float64(len("\x1f\x8b only a little")) {
		t.Errorf("progress %v, want downloading with the bytes got", pr)
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

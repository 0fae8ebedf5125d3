package githttp

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string
		want Request
		ok   bool
	}{
		{"upload advertisement", "/a/b.git/info/refs?service=git-upload-pack", Request{"a/b", "/info/refs", false}, true},
		{"receive advertisement", "a/b.git/info/refs?service=git-receive-pack", Request{"a/b", "/info/refs", true}, true},
		{"upload rpc", "/group/sub/proj.git/git-upload-pack", Request{"group/sub/proj", "/git-upload-pack", false}, true},
		{"receive rpc", "/group/sub/proj.git/git-receive-pack", Request{"group/sub/proj", "/git-receive-pack", true}, true},
		{"dotted names", "/my.group/my.proj.git/git-upload-pack", Request{"my.group/my.proj", "/git-upload-pack", false}, true},
		{"no namespace", "/proj.git/info/refs?service=git-upload-pack", Request{}, false},
		{"parent segment", "/../x.git/info/refs?service=git-upload-pack", Request{}, false},
		{"inner parent segment", "/a/../x.git/git-upload-pack", Request{}, false},
		{"dot segment", "/a/./x.git/git-upload-pack", Request{}, false},
		{"empty segment", "/a//x.git/git-upload-pack", Request{}, false},
		{"trailing slash", "/a/x.git/git-upload-pack/", Request{}, false},
		{"empty project", "/a/.git/git-upload-pack", Request{}, false},
		{"no .git suffix", "/a/x/info/refs?service=git-upload-pack", Request{}, false},
		{"dumb info refs", "/a/x.git/info/refs", Request{}, false},
		{"unknown service", "/a/x.git/info/refs?service=git-upload-archive", Request{}, false},
		{"repeated service", "/a/x.git/info/refs?service=git-upload-pack&service=git-receive-pack", Request{}, false},
		{"dumb HEAD", "/a/x.git/HEAD", Request{}, false},
		{"dumb objects", "/a/x.git/objects/info/packs", Request{}, false},
		{"dumb loose object", "/a/x.git/objects/ab/cdef0123456789", Request{}, false},
		{"upload archive", "/a/x.git/git-upload-archive", Request{}, false},
		{"empty", "", Request{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := Parse(u.Path, u.Query())
			if got != tt.want || ok != tt.ok {
				t.Errorf("Parse(%q) = %+v, %v; want %+v, %v", tt.path, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAllowed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, rest string
		want         bool
	}{
		{http.MethodGet, "/info/refs", true},
		{http.MethodPost, "/info/refs", false},
		{http.MethodPost, "/git-upload-pack", true},
		{http.MethodGet, "/git-upload-pack", false},
		{http.MethodPost, "/git-receive-pack", true},
		{http.MethodPut, "/git-receive-pack", false},
		{http.MethodGet, "/HEAD", false},
	}
	for _, tt := range tests {
		if got := Allowed(tt.method, Request{RepoPath: "a/b", Rest: tt.rest}); got != tt.want {
			t.Errorf("Allowed(%s, %s) = %v, want %v", tt.method, tt.rest, got, tt.want)
		}
	}
}

// gitEnv is the fixed environment for git commands run by the tests.
func gitEnv(home string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_TERMINAL_PROMPT=0",
		"HOME=" + home,
		"LANG=C",
	}
}

// runGit runs git in dir and returns its trimmed stdout.
func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// newServer serves the bare repository repoDir at /grp/proj.git and
// challenges unauthenticated pushes.
func newServer(t *testing.T, repoDir string) *httptest.Server {
	t.Helper()
	backend := &Backend{Logger: slog.New(slog.NewTextHandler(t.Output(), nil))}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, ok := Parse(r.URL.Path, r.URL.Query())
		if !ok || req.RepoPath != "grp/proj" {
			http.NotFound(w, r)
			return
		}
		user := ""
		if req.Write {
			name, pass, ok := r.BasicAuth()
			if !ok || name != "alice" || pass != "secret" {
				Challenge(w)
				return
			}
			user = name
		}
		backend.Serve(w, r, repoDir, req, user)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCloneAndPush(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	repoDir := filepath.Join(tmp, "repos", "7.git")
	runGit(t, tmp, "init", "--quiet", "--bare", "--initial-branch=main", repoDir)
	srv := newServer(t, repoDir)
	u, err := url.Parse(srv.URL + "/grp/proj.git")
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword("alice", "secret")
	remote := u.String()

	// Cloning the empty repository over protocol v2 learns the unborn HEAD.
	work := filepath.Join(tmp, "work")
	runGit(t, tmp, "-c", "protocol.version=2", "clone", "--quiet", remote, work)
	if got := runGit(t, work, "symbolic-ref", "HEAD"); got != "refs/heads/main" {
		t.Errorf("HEAD of empty clone = %q, want refs/heads/main", got)
	}

	commit := func(name string, content []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(work, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
		runGit(t, work, "add", name)
		runGit(t, work, "-c", "user.name=Alice", "-c", "user.email=alice@example.com", "commit", "--quiet", "-m", "add "+name)
	}
	// A small push is sent with Content-Length.
	commit("README.md", []byte("# proj\n"))
	runGit(t, work, "push", "--quiet", "origin", "HEAD:main")

	// A push larger than http.postBuffer is sent with chunked encoding.
	big := make([]byte, 512<<10)
	rand.NewChaCha8([32]byte{}).Read(big)
	commit("blob.bin", big)
	runGit(t, work, "-c", "http.postBuffer=65536", "push", "--quiet", "origin", "HEAD:main")
	want := runGit(t, work, "rev-parse", "HEAD")

	if got := runGit(t, tmp, "--git-dir="+repoDir, "rev-parse", "refs/heads/main"); got != want {
		t.Errorf("server main = %s, want %s", got, want)
	}
	for _, proto := range []string{"0", "2"} {
		clone := filepath.Join(tmp, "clone-v"+proto)
		runGit(t, tmp, "-c", "protocol.version="+proto, "clone", "--quiet", srv.URL+"/grp/proj.git", clone)
		if got := runGit(t, clone, "rev-parse", "HEAD"); got != want {
			t.Errorf("protocol v%s: cloned HEAD = %s, want %s", proto, got, want)
		}
		got, err := os.ReadFile(filepath.Join(clone, "blob.bin"))
		if err != nil || !bytes.Equal(got, big) {
			t.Errorf("protocol v%s: blob.bin differs (err %v)", proto, err)
		}
	}
}

// TestServe_BodyEndsEarly pins a CPU-exhaustion attack: told a body's
// length, git http-backend loops forever at full CPU when a receive-pack
// body ends early (a client that goes away, or a body cut by its read
// deadline). Serve must return promptly instead.
func TestServe_BodyEndsEarly(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	repoDir := filepath.Join(tmp, "7.git")
	runGit(t, tmp, "init", "--quiet", "--bare", repoDir)
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		req, ok := Parse(r.URL.Path, r.URL.Query())
		if !ok {
			t.Errorf("%s is not a git request: http-backend never runs", r.URL.Path)
		}
		(&Backend{Logger: slog.New(slog.DiscardHandler)}).Serve(w, r, repoDir, req, "alice")
	}))
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /grp/proj.git/git-receive-pack HTTP/1.1\r\nHost: x\r\n"+
		"Content-Type: application/x-git-receive-pack-request\r\nContent-Length: 1000\r\n\r\n00a0")
	conn.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("git http-backend still runs 10s after its body ended")
	}
}

func TestServeResponses(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	repoDir := filepath.Join(tmp, "repos", "3.git")
	runGit(t, tmp, "init", "--quiet", "--bare", "--initial-branch=main", repoDir)
	backend := &Backend{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	tests := []struct {
		name, method, target, user string
		wantCode                   int
		wantType                   string
	}{
		{"upload advertisement", http.MethodGet, "/g/p.git/info/refs?service=git-upload-pack", "", http.StatusOK, "application/x-git-upload-pack-advertisement"},
		{"receive advertisement", http.MethodGet, "/g/p.git/info/refs?service=git-receive-pack", "alice", http.StatusOK, "application/x-git-receive-pack-advertisement"},
		{"receive without user", http.MethodGet, "/g/p.git/info/refs?service=git-receive-pack", "", http.StatusForbidden, ""},
		{"wrong method", http.MethodPost, "/g/p.git/info/refs?service=git-upload-pack", "", http.StatusMethodNotAllowed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tt.method, tt.target, nil)
			req, ok := Parse(r.URL.Path, r.URL.Query())
			if !ok {
				t.Fatalf("Parse(%q) failed", tt.target)
			}
			w := httptest.NewRecorder()
			backend.Serve(w, r, repoDir, req, tt.user)
			if w.Code != tt.wantCode {
				t.Errorf("status = %d, want %d; body %q", w.Code, tt.wantCode, w.Body.String())
			}
			if got := w.Header().Get("Content-Type"); tt.wantType != "" && got != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
			}
		})
	}
}

func TestChallenge(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	Challenge(w)
	if w.Code != http.StatusUnauthorized {
		t.Errorf("status = %d, want 401", w.Code)
	}
	if got := w.Header().Get("WWW-Authenticate"); got != `Basic realm="GitLab"` {
		t.Errorf("WWW-Authenticate = %q", got)
	}
	if w.Body.Len() == 0 {
		t.Error("empty body")
	}
}

// Package githttp serves the git smart HTTP protocol by running
// git http-backend as a CGI program.
//
// Ferry serves repositories at <base>/<namespace path>/<project path>.git/...
// while storing them on disk under a different name. The caller (Ferry's
// router) strips <base>, calls Parse and Allowed, resolves the project,
// authenticates and authorizes the request, and finally calls Backend.Serve
// with the repository's directory on disk. Only the smart protocol is
// supported; dumb HTTP paths are refused by Parse.
package githttp

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/cgi"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/ferryhq/ferry/internal/git"
)

// DefaultBackendPath is the git http-backend executable used when
// Backend.Path is empty.
const DefaultBackendPath = "/usr/lib/git-core/git-http-backend"

const (
	uploadPack  = "git-upload-pack"
	receivePack = "git-receive-pack"
	infoRefs    = "/info/refs"
)

// Request is a parsed smart HTTP request.
type Request struct {
	// RepoPath is the project's full path without leading slash and without
	// the .git suffix, such as "group/sub/proj".
	RepoPath string
	// Rest is the endpoint below the repository: "/info/refs",
	// "/git-upload-pack" or "/git-receive-pack".
	Rest string
	// Write is true for receive-pack (push), both for the ref advertisement
	// and for the POST.
	Write bool
}

// Parse recognizes the smart HTTP endpoints
//
//	<p>.git/info/refs?service=git-upload-pack
//	<p>.git/info/refs?service=git-receive-pack
//	<p>.git/git-upload-pack
//	<p>.git/git-receive-pack
//
// where urlPath is the (unescaped) request path below Ferry's base, with or
// without a leading slash. It reports false for anything else: dumb HTTP
// paths, a missing or repeated service parameter, and repository paths with
// empty, "." or ".." segments or without a namespace. Parse does not look at
// the request method; use Allowed for that.
func Parse(urlPath string, query url.Values) (Request, bool) {
	p := strings.TrimPrefix(urlPath, "/")
	for _, rest := range []string{infoRefs, "/" + uploadPack, "/" + receivePack} {
		repo, ok := strings.CutSuffix(p, ".git"+rest)
		if !ok {
			continue
		}
		if !validRepoPath(repo) {
			return Request{}, false
		}
		req := Request{RepoPath: repo, Rest: rest, Write: rest == "/"+receivePack}
		if rest == infoRefs {
			service := query["service"]
			if len(service) != 1 || (service[0] != uploadPack && service[0] != receivePack) {
				return Request{}, false
			}
			req.Write = service[0] == receivePack
		}
		return req, true
	}
	return Request{}, false
}

// validRepoPath reports whether repo has a namespace and a project and no
// empty, "." or ".." segments.
func validRepoPath(repo string) bool {
	segments := strings.Split(repo, "/")
	if len(segments) < 2 {
		return false
	}
	for _, s := range segments {
		if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "\\\x00") {
			return false
		}
	}
	return true
}

// Allowed reports whether method is the one the endpoint of req expects:
// GET for the ref advertisement (/info/refs) and POST for the upload-pack and
// receive-pack RPCs. It reports false for an unknown Rest.
func Allowed(method string, req Request) bool {
	switch req.Rest {
	case infoRefs:
		return method == http.MethodGet
	case "/" + uploadPack, "/" + receivePack:
		return method == http.MethodPost
	}
	return false
}

// Challenge answers 401 Unauthorized with a Basic authentication challenge
// so that git clients retry with credentials.
func Challenge(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="GitLab"`)
	http.Error(w, "HTTP Basic: Access denied", http.StatusUnauthorized)
}

// Backend runs git http-backend. The zero value is ready to use.
type Backend struct {
	// Path is the git http-backend executable; empty means
	// DefaultBackendPath.
	Path string
	// Logger receives CGI errors and http-backend's stderr; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Serve answers r, which must have been parsed into req, with the bare
// repository at repoDir on disk, whose name may differ from req.RepoPath.
// remoteUser is the authenticated user; receive-pack is refused by
// http-backend (403) when it is empty, so callers must authorize before
// calling Serve. Request and response bodies are streamed, chunked request
// bodies included. Serve answers 405 itself when the method does not match
// the endpoint (see Allowed); failures to run http-backend are answered with
// 500 and logged, as is anything http-backend writes to stderr.
func (b *Backend) Serve(w http.ResponseWriter, r *http.Request, repoDir string, req Request, remoteUser string) {
	if !Allowed(r.Method, req) {
		if req.Rest == infoRefs {
			w.Header().Set("Allow", http.MethodGet)
		} else {
			w.Header().Set("Allow", http.MethodPost)
		}
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	logger := b.logger().With("repo", req.RepoPath, "dir", repoDir, "endpoint", req.Rest)
	root := filepath.Dir(repoDir)
	pathInfo := "/" + filepath.Base(repoDir) + req.Rest
	env := append([]string{
		"GIT_PROJECT_ROOT=" + root,
		"PATH_INFO=" + pathInfo,
		"GIT_HTTP_EXPORT_ALL=1",
		"REMOTE_USER=" + remoteUser,
		"HOME=" + root,
	}, git.ConfigEnv()...)
	if proto := r.Header.Get("Git-Protocol"); validProtocol(proto) {
		env = append(env, "GIT_PROTOCOL="+proto)
	}
	h := &cgi.Handler{
		Path:   b.path(),
		Dir:    root,
		Env:    env,
		Logger: slog.NewLogLogger(logger.Handler(), slog.LevelError),
		Stderr: stderrLogger{logger},
	}
	h.ServeHTTP(flushWriter{w}, cgiRequest(r, pathInfo, req))
}

// cgiRequest returns a shallow copy of r prepared for cgi.Handler. cgi.Handler
// derives PATH_INFO from the URL path (Root is empty), so the path is
// rewritten to pathInfo; the query is rebuilt from req so that http-backend
// runs exactly the service the caller authorized. Every body is passed on
// as a body of unknown length, which http-backend reads to EOF: cgi.Handler
// rejects chunked bodies (the server has already decoded them), and given a
// CONTENT_LENGTH, http-backend (2.39) spins forever at full CPU when its
// input ends early, as it does when the client goes away or its body
// stops arriving (a read deadline).
func cgiRequest(r *http.Request, pathInfo string, req Request) *http.Request {
	r2 := r.Clone(r.Context())
	r2.URL.Path = pathInfo
	r2.URL.RawPath = ""
	r2.URL.RawQuery = ""
	if req.Rest == infoRefs {
		service := uploadPack
		if req.Write {
			service = receivePack
		}
		r2.URL.RawQuery = "service=" + service
	}
	if r2.ContentLength != 0 {
		r2.TransferEncoding = nil
		r2.ContentLength = -1
	}
	return r2
}

// validProtocol reports whether v is a plausible Git-Protocol header value,
// such as "version=2", that is safe to put into the environment.
func validProtocol(v string) bool {
	if v == "" || len(v) > 256 {
		return false
	}
	for _, c := range v {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("=:._-", c)
		if !ok {
			return false
		}
	}
	return true
}

func (b *Backend) path() string {
	if b.Path == "" {
		return DefaultBackendPath
	}
	return b.Path
}

func (b *Backend) logger() *slog.Logger {
	if b.Logger == nil {
		return slog.Default()
	}
	return b.Logger
}

// flushWriter flushes after every write so that progress messages and pack
// data reach the client as http-backend produces them.
type flushWriter struct {
	http.ResponseWriter
}

func (f flushWriter) Write(p []byte) (int, error) {
	n, err := f.ResponseWriter.Write(p)
	if err == nil {
		_ = http.NewResponseController(f.ResponseWriter).Flush()
	}
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (f flushWriter) Unwrap() http.ResponseWriter { return f.ResponseWriter }

// stderrLogger logs what http-backend writes to stderr.
type stderrLogger struct {
	logger *slog.Logger
}

func (s stderrLogger) Write(p []byte) (int, error) {
	if msg := string(bytes.TrimSpace(p)); msg != "" {
		s.logger.Warn("git http-backend stderr", "msg", msg)
	}
	return len(p), nil
}

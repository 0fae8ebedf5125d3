package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/githttp"
)

// serveWeb answers everything outside /api/v4: an export's web download
// link (/<full_path>/download_export), uploads and LFS (serveProjectPath)
// and git over HTTP.
func (a *API) serveWeb(w http.ResponseWriter, r *http.Request) {
	if full, ok := strings.CutSuffix(r.URL.Path, "/download_export"); ok && r.Method == http.MethodGet && len(full) > 1 {
		a.open(a.downloadExportWeb(strings.TrimPrefix(full, "/"))).ServeHTTP(w, r)
		return
	}
	if a.serveProjectPath(w, r) {
		return
	}
	a.serveGit(w, r)
}

// serveGit answers git's smart HTTP at /<namespace>/<project>.git/...: a
// token is the password of HTTP Basic auth (any user name, e.g. oauth2).
// Public projects clone without one; private ones need Reporter to clone
// and Developer to push. Callers who are not signed in are asked for
// credentials rather than told whether a project exists.
func (a *API) serveGit(w http.ResponseWriter, hr *http.Request) {
	req, ok := githttp.Parse(hr.URL.Path, hr.URL.Query())
	if !ok {
		writeJSON(w, http.StatusNotFound, message{"404 Not Found"})
		return
	}
	if !githttp.Allowed(hr.Method, req) {
		writeJSON(w, http.StatusMethodNotAllowed, message{"405 Method Not Allowed"})
		return
	}
	var user *ferry.User
	if _, token, hasAuth := hr.BasicAuth(); hasAuth {
		caller, err := a.authn.Authenticate(hr.Context(), token)
		if errors.Is(err, ferry.ErrUnauthorized) || err == nil && !gitScopeAllows(caller, req.Write) {
			githttp.Challenge(w)
			return
		}
		if err != nil {
			a.writeError(w, hr, err)
			return
		}
		user = caller.User
		trustBody(hr)
	}
	r := &request{Request: hr, user: user}
	p, err := a.db.ProjectByFullPath(r.ctx(), req.RepoPath)
	level := ferry.NoAccess
	if err == nil {
		level, err = a.access.ProjectLevel(r.ctx(), user, p)
	}
	if err != nil && !errors.Is(err, ferry.ErrNotFound) {
		a.writeError(w, hr, err)
		return
	}
	canRead := err == nil && auth.CanRead(user, level, p.Visibility) &&
		(p.Visibility != ferry.Private || level >= ferry.Reporter)
	canWrite := canRead && user != nil && level >= ferry.Developer
	switch {
	case (!canRead || req.Write && !canWrite) && user == nil:
		githttp.Challenge(w)
	case !canRead:
		writeJSON(w, http.StatusNotFound, message{"404 Project Not Found"})
	case req.Write && !canWrite:
		writeJSON(w, http.StatusForbidden, message{"403 Forbidden - You are not allowed to push code to this project."})
	default:
		remote := ""
		if user != nil {
			remote = user.Username
		}
		a.git.Serve(w, r.Request, a.repos.Dir(p.ID), req, remote)
	}
}

// gitScopeAllows is GitLab's scope rule for git over HTTP: api or
// read_repository (or write_repository) to clone, api or write_repository
// to push.
func gitScopeAllows(c auth.Caller, write bool) bool {
	if write {
		return c.Allows("api", "write_repository")
	}
	return c.Allows("api", "read_repository", "write_repository")
}

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
		if a.pages != nil && a.sessionHandover(r) {
			a.pages.ServeHTTP(w, r) // the pages hand it back with their visitor (ServeAs)
			return
		}
		a.open(a.downloadExportWeb(strings.TrimPrefix(full, "/"))).ServeHTTP(w, r)
		return
	}
	if a.serveProjectPath(w, r) {
		return
	}
	if a.pages != nil && pagePath(r) {
		a.pages.ServeHTTP(w, r)
		return
	}
	a.serveGit(w, r)
}

// sessionHandover reports whether a download_export link or a project's
// upload was followed from a browser's session: its cookie, no token, not
// yet handed over by the pages (which hand it back with their visitor).
func (a *API) sessionHandover(r *http.Request) bool {
	if _, ok := fromPages(r); ok || a.session == "" {
		return false
	}
	if _, err := r.Cookie(a.session); err != nil {
		return false
	}
	q := r.URL.Query()
	return r.Header.Get("Private-Token") == "" && r.Header.Get("Authorization") == "" &&
		q.Get("private_token") == "" && q.Get("access_token") == ""
}

// pagePath reports whether the pages answer r's path: not git's, LFS's
// (.git/...) or a project's uploads (/<project>/uploads/..., malformed
// ones included, which the API answers 404 as a missing file). The
// project's own pages hold their paths after "/-/", where a file may be
// named anything.
func pagePath(r *http.Request) bool {
	if _, isGit := githttp.Parse(r.URL.Path, r.URL.Query()); isGit {
		return false
	}
	owner, _, _ := strings.Cut(r.URL.Path, "/-/")
	return !strings.Contains(owner, ".git/") && !strings.Contains(owner, "/uploads/")
}

// serveGit answers git's smart HTTP at /<namespace>/<project>.git/... and,
// for the project's wiki, /<namespace>/<project>.wiki.git/...: a token is
// the password of HTTP Basic auth (any user name, e.g. oauth2). Public
// projects clone without one; private ones need Reporter to clone the
// code (Guest the wiki) and Developer to push either. Callers who are not signed in are asked for
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
	p, wiki, err := a.gitProject(r, req.RepoPath)
	level := ferry.NoAccess
	if err == nil {
		level, err = a.access.ProjectLevel(r.ctx(), user, p)
	}
	if err != nil && !errors.Is(err, ferry.ErrNotFound) {
		a.writeError(w, hr, err)
		return
	}
	canRead := err == nil && auth.CanReadCode(user, level, p.Visibility)
	if wiki { // GitLab's download_wiki_code: whoever reads the wiki
		canRead = err == nil && auth.CanRead(user, level, p.Visibility)
	}
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
		dir := a.repos.Dir(p.ID)
		if wiki {
			if dir, err = a.repos.EnsureWiki(r.ctx(), p.ID); err != nil {
				a.writeError(w, hr, err)
				return
			}
		}
		a.git.Serve(w, r.Request, dir, req, remote)
	}
}

// gitProject finds the project of a repository path: <project> for its
// code, <project>.wiki for its wiki. Returns ferry.ErrNotFound when there
// is none.
func (a *API) gitProject(r *request, repoPath string) (ferry.Project, bool, error) {
	p, err := a.db.ProjectByFullPath(r.ctx(), repoPath)
	if trimmed, ok := strings.CutSuffix(repoPath, ".wiki"); errors.Is(err, ferry.ErrNotFound) && ok {
		p, err = a.db.ProjectByFullPath(r.ctx(), trimmed)
		return p, true, err
	}
	return p, false, err
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

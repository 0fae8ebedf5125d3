package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/githttp"
)

// lfsContentType is the media type of the Git LFS API.
const lfsContentType = "application/vnd.git-lfs+json"

// lfsCaller is who asks an LFS request and what they hold on its project.
type lfsCaller struct {
	user    *ferry.User
	project ferry.Project
}

// lfsAccess authenticates an LFS request on the project at fullPath as
// GitLab's LFS controllers do and reports whether it may go on; when not,
// it has answered: 401 with a Basic challenge to a bad token or to an
// anonymous caller (who may only download from public projects), 403 to a
// caller who may read the project but not do this, 404 otherwise. op is
// "download" or "upload"; any other is refused.
func (a *API) lfsAccess(w http.ResponseWriter, hr *http.Request, fullPath, op string) (lfsCaller, bool) {
	var c lfsCaller
	if _, token, ok := hr.BasicAuth(); ok {
		caller, err := a.authn.Authenticate(hr.Context(), token)
		if errors.Is(err, ferry.ErrUnauthorized) || err == nil && !gitScopeAllows(caller, op == "upload") {
			githttp.Challenge(w)
			return c, false
		}
		if err != nil {
			a.writeError(w, hr, err)
			return c, false
		}
		c.user = caller.User
		trustBody(hr)
	}
	p, err := a.db.ProjectByFullPath(hr.Context(), fullPath)
	level := ferry.NoAccess
	if err == nil {
		level, err = a.access.ProjectLevel(hr.Context(), c.user, p)
	}
	if err != nil && !errors.Is(err, ferry.ErrNotFound) {
		a.writeError(w, hr, err)
		return c, false
	}
	found := err == nil
	c.project = p
	allowed := found && (op == "download" && auth.CanDownloadCode(c.user, level, p.Visibility) ||
		op == "upload" && auth.CanPushCode(c.user, level))
	switch {
	case allowed:
		return c, true
	case c.user == nil && !(found && op == "download" && p.Visibility == ferry.Public):
		githttp.Challenge(w)
	case found && auth.CanRead(c.user, level, p.Visibility):
		a.lfsMessage(w, http.StatusForbidden, "Access forbidden. Check your access level.")
	default:
		a.lfsMessage(w, http.StatusNotFound, "Not found.")
	}
	return c, false
}

// lfsMessage answers an LFS error as GitLab does: message and
// documentation_url.
func (a *API) lfsMessage(w http.ResponseWriter, status int, text string) {
	writeLFS(w, status, map[string]string{"message": text, "documentation_url": a.base + "/help"})
}

// writeLFS answers v with status as application/vnd.git-lfs+json.
func writeLFS(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", lfsContentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

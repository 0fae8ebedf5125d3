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
	auth.Caller
	project ferry.Project
}

// lfsAuthenticate reads the token of an LFS request, the password of its
// HTTP Basic auth, before its body: a token that does not authenticate is
// answered 401 with a Basic challenge. No credentials is an anonymous
// caller.
func (a *API) lfsAuthenticate(w http.ResponseWriter, hr *http.Request) (lfsCaller, bool) {
	var c lfsCaller
	_, token, ok := hr.BasicAuth()
	if !ok {
		return c, true
	}
	caller, err := a.authn.Authenticate(hr.Context(), token)
	switch {
	case errors.Is(err, ferry.ErrUnauthorized):
		githttp.Challenge(w)
		return c, false
	case err != nil:
		a.writeError(w, hr, err)
		return c, false
	}
	c.Caller = caller
	trustBody(hr)
	return c, true
}

// lfsAuthorize decides whether c may do op ("download" or "upload"; any
// other is refused) on the project at fullPath, as GitLab's LFS
// controllers do, and answers when not: 401 with a Basic challenge to an
// anonymous caller (who may only download from public projects) or a
// token without the scope, 403 to a caller who may read the project but
// not do this, 404 otherwise.
func (a *API) lfsAuthorize(w http.ResponseWriter, hr *http.Request, c *lfsCaller, fullPath, op string) bool {
	if c.User != nil && !gitScopeAllows(c.Caller, op == "upload") {
		githttp.Challenge(w)
		return false
	}
	p, err := a.db.ProjectByFullPath(hr.Context(), fullPath)
	level := ferry.NoAccess
	if err == nil {
		level, err = a.access.ProjectLevel(hr.Context(), c.User, p)
	}
	if err != nil && !errors.Is(err, ferry.ErrNotFound) {
		a.writeError(w, hr, err)
		return false
	}
	found := err == nil
	c.project = p
	switch {
	case found && op == "download" && auth.CanReadCode(c.User, level, p.Visibility),
		found && op == "upload" && auth.CanPushCode(c.User, level):
		return true
	case c.User == nil && !(found && op == "download" && p.Visibility == ferry.Public):
		githttp.Challenge(w)
	case found && auth.CanRead(c.User, level, p.Visibility):
		a.lfsMessage(w, http.StatusForbidden, "Access forbidden. Check your access level.")
	default:
		a.lfsMessage(w, http.StatusNotFound, "Not found.")
	}
	return false
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

package api

import (
	"context"
	"net/http"
	"sync"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
)

// The web pages (internal/web) act through the API's own endpoints, so
// that a form and a token call run the same rules in the same order
// (validation, rate limits, size limits, overwrite, messages): a page
// calls ServeAs with its signed-in visitor, who is then the caller, as if
// authenticated by a token with the api scope.

// pageCaller marks a request the pages hand to the API; user is the
// visitor (nil: anonymous).
type pageCaller struct{ user *ferry.User }

type pageCallerKey struct{}

// pageHandler is Handler, built once for ServeAs.
type pageHandler struct {
	once sync.Once
	h    http.Handler
}

// ServeAs answers r, a request for an API path (/api/v4/... or
// /<project>/download_export), for the pages' visitor user (nil:
// anonymous) instead of a token. The session that found user is the
// pages' business; CSRF too.
func (a *API) ServeAs(w http.ResponseWriter, r *http.Request, user *ferry.User) {
	a.forPages.once.Do(func() { a.forPages.h = a.Handler() })
	ctx := context.WithValue(r.Context(), pageCallerKey{}, pageCaller{user: user})
	a.forPages.h.ServeHTTP(w, r.WithContext(ctx))
}

// fromPages returns the visitor of a request the pages handed over.
func fromPages(r *http.Request) (pageCaller, bool) {
	c, ok := r.Context().Value(pageCallerKey{}).(pageCaller)
	return c, ok
}

// pageCallerOf is the caller of a request from the pages.
func pageCallerOf(c pageCaller) auth.Caller {
	if c.user == nil {
		return auth.Caller{}
	}
	return auth.Caller{User: c.user, Scopes: []string{"api"}}
}

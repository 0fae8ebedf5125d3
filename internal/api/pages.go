package api

import (
	"context"
	"net/http"
	"sync"

	"github.com/ferryhq/ferry/internal/auth"
)

// The web pages (internal/web) act through the API's own endpoints, so
// that a form and a token call run the same rules in the same order
// (validation, rate limits, size limits, overwrite, messages): a page
// calls ServeAs with its signed-in visitor, who is then the caller with
// the scopes of the token that opened their session.

// pageCaller marks a request the pages hand to the API; caller is the
// visitor (no user: anonymous).
type pageCaller struct{ caller auth.Caller }

type pageCallerKey struct{}

// pageHandler is Handler, built once for ServeAs.
type pageHandler struct {
	once sync.Once
	h    http.Handler
}

// ServeAs answers r, a request for an API path (/api/v4/... or
// /<project>/download_export), for the pages' visitor caller (the user
// and the scopes of their session's token; no user: anonymous) instead
// of a token in r. The session that found the caller is the pages'
// business; CSRF too.
func (a *API) ServeAs(w http.ResponseWriter, r *http.Request, caller auth.Caller) {
	a.forPages.once.Do(func() { a.forPages.h = a.Handler() })
	ctx := context.WithValue(r.Context(), pageCallerKey{}, pageCaller{caller: caller})
	a.forPages.h.ServeHTTP(w, r.WithContext(ctx))
}

// fromPages returns the visitor of a request the pages handed over.
func fromPages(r *http.Request) (pageCaller, bool) {
	c, ok := r.Context().Value(pageCallerKey{}).(pageCaller)
	return c, ok
}

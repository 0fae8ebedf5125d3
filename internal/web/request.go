package web

import (
	"context"
	"mime/multipart"
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
)

// request is one page view: the HTTP request, who is looking, and, on
// project and group pages, what they are looking at.
type request struct {
	*http.Request
	// user is the signed-in visitor, nil for anonymous; caller is the
	// visitor with the scopes of the token that opened the session (what
	// the pages act with in the API).
	user   *ferry.User
	caller auth.Caller
	// sessionID is the session cookie's value ("" for anonymous); csrf
	// the token every form of the page must send back.
	sessionID string
	csrf      string
	// project and level are set on project pages (see projectPage);
	// group (and level) on group pages.
	project *ferry.Project
	level   ferry.AccessLevel
	group   *ferry.Namespace
	// rest is the path after a project or group page's segment, without
	// its leading slash.
	rest string
	// parts is the rest of a streamed multipart form, after its CSRF
	// token (see streamPage); nil otherwise.
	parts *multipart.Reader
}

func (r *request) ctx() context.Context { return r.Context() }

// handler is a page: it answers w or returns an error for errors.go.
type handler func(w http.ResponseWriter, r *request) error

// page wraps h: it loads the session, refuses a form sent without its
// CSRF token, and turns h's error into an error page.
func (s *Web) page(h handler) http.Handler { return s.pageWith(h, s.checkCSRF) }

// streamPage is page for a form too large to read before its handler
// runs (an import's archive): the CSRF token comes in the header or as
// the multipart form's first field, and the handler reads the rest of
// the body (r.parts, or r.Body after a header token) as it arrives.
func (s *Web) streamPage(h handler) http.Handler { return s.pageWith(h, s.checkStreamCSRF) }

func (s *Web) pageWith(h handler, check func(*request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, hr *http.Request) {
		r, err := s.newRequest(w, hr)
		if err == nil {
			err = check(r)
		}
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

// newRequest reads the visitor's session (anonymous without a valid
// one) and the CSRF token of their pages.
func (s *Web) newRequest(w http.ResponseWriter, hr *http.Request) (*request, error) {
	r := &request{Request: hr}
	caller, id, err := s.loadSession(w, hr)
	if err != nil {
		return r, err
	}
	r.user, r.caller, r.sessionID = caller.User, caller, id
	if r.user != nil && s.trust != nil {
		s.trust(hr) // a signed-in visitor's form (an upload) may take its time
	}
	r.csrf = s.csrfToken(w, r)
	return r, nil
}

package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"os"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/correlation"
	"github.com/ferryhq/ferry/internal/git"
)

var (
	// errSignIn sends a visitor who is not signed in to the sign-in page,
	// back here afterwards.
	errSignIn = errors.New("sign in required")
	// errCSRF refuses a form sent without the token of its page.
	errCSRF = errors.New("invalid authenticity token")
)

// statusOf is the one table from errors to the status of their page.
func statusOf(err error) int {
	var invalid *ferry.ValidationError
	var refused *apiRefusal
	switch {
	case errors.As(err, &refused):
		return refused.Status
	case errors.Is(err, ferry.ErrNotFound), errors.Is(err, git.ErrNoRef):
		return http.StatusNotFound
	case errors.Is(err, ferry.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ferry.ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ferry.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, errCSRF):
		return http.StatusUnprocessableEntity
	case errors.Is(err, ferry.ErrInvalid), errors.As(err, &invalid):
		return http.StatusBadRequest
	case errors.Is(err, ferry.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, os.ErrDeadlineExceeded):
		return http.StatusRequestTimeout
	}
	return http.StatusInternalServerError
}

// errorView is what the error page shows.
type errorView struct {
	Status        int
	Text          string
	CorrelationID string
	// Message is the API's message of a refusal (apicall.go), "" for
	// others; a 404 keeps its own words (it hides what exists).
	Message string
}

// writeError answers err with its page (or, for errSignIn, a redirect to
// sign in). Unexpected errors are logged with the request's correlation
// id, which the 500 page shows.
func (s *Web) writeError(w http.ResponseWriter, r *request, err error) {
	if errors.Is(err, errSignIn) {
		http.Redirect(w, r.Request, "/users/sign_in?redirect_to="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
		return
	}
	status := statusOf(err)
	v := errorView{Status: status, Text: http.StatusText(status)}
	var refused *apiRefusal
	if errors.As(err, &refused) && status != http.StatusNotFound {
		v.Message = refused.Message
	}
	if status == http.StatusInternalServerError {
		v.CorrelationID = correlation.ID(r.ctx())
		s.logger.ErrorContext(r.ctx(), "page failed", slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	if err := s.renderStatus(w, r, status, "error", v); err != nil {
		s.logger.ErrorContext(r.ctx(), "error page failed", slog.Any("error", err))
		http.Error(w, v.Text, status)
	}
}

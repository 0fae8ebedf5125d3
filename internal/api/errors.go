package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/jobadmin"
)

// httpError is an answer in GitLab's exact shape: Body is marshalled as
// the response.
type httpError struct {
	Status int
	Body   any
	// Header is added to the answer (e.g. Retry-After).
	Header http.Header
}

func (e *httpError) Error() string { return http.StatusText(e.Status) }

// message is GitLab's {"message": ...} envelope.
type message struct {
	Message any `json:"message"`
}

// rawText is a plain-text error body (Workhorse's 413).
type rawText string

// errorBody is Grape's {"error": ...} envelope for parameter errors.
type errorBody struct {
	Error string `json:"error"`
}

// notFound is 404 {"message":"404 <what> Not Found"}, or "404 Not Found"
// when what is empty.
func notFound(what string) error {
	text := "404 Not Found"
	if what != "" {
		text = "404 " + what + " Not Found"
	}
	return &httpError{Status: http.StatusNotFound, Body: message{text}}
}

// forbidden is 403 {"message":"403 Forbidden"} or "403 Forbidden - reason".
func forbidden(reason string) error {
	text := "403 Forbidden"
	if reason != "" {
		text += " - " + reason
	}
	return &httpError{Status: http.StatusForbidden, Body: message{text}}
}

// badRequest is GitLab's bad_request!(reason): 400 {"message":"400 Bad
// request - reason"}.
func badRequest(reason string) error {
	return &httpError{Status: http.StatusBadRequest, Body: message{"400 Bad request - " + reason}}
}

// apiError is GitLab's render_api_error!: status with {"message": text}.
func apiError(status int, text string) error {
	return &httpError{Status: status, Body: message{text}}
}

// validationError is GitLab's render_validation_error!: 400 with the
// attribute's messages.
func validationError(field, reason string) error {
	return &httpError{Status: http.StatusBadRequest, Body: message{map[string][]string{field: {reason}}}}
}

// validationErrors joins *ferry.ValidationErrors into one 400 answer with
// every attribute's messages; nil when errs is empty.
func validationErrors(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	fields := map[string][]string{}
	for _, err := range errs {
		var ve *ferry.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		fields[ve.Field] = append(fields[ve.Field], ve.Reason)
	}
	return &httpError{Status: http.StatusBadRequest, Body: message{fields}}
}

// requestTimeout answers a body that stopped arriving, as nginx answers
// client_body_timeout in front of GitLab.
var requestTimeout = &httpError{Status: http.StatusRequestTimeout, Body: message{"408 Request Timeout"}}

// tooManyParts is Grape's answer to a multipart body over Rack's part
// limit (Grape::Exceptions::TooManyMultipartFiles).
var tooManyParts = &httpError{Status: http.StatusBadRequest, Body: errorBody{
	fmt.Sprintf("the number of uploaded files exceeded the system's configured limit (%d)", MaxFormParts)}}

// bodyError is the answer to a failed read of a request body: 413 past a
// size limit, 408 when the body stopped arriving (its read deadline
// passed), invalid otherwise.
func bodyError(err, invalid error) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return ferry.ErrTooLarge
	case errors.Is(err, ferry.ErrTooLarge):
		return err
	case errors.Is(err, os.ErrDeadlineExceeded):
		return requestTimeout
	}
	return invalid
}

// statusFor maps ferry's error kinds to GitLab's answers. This is the one
// place where an error becomes a status code and a body.
func statusFor(err error) (int, any) {
	var (
		he      *httpError
		refused *jobadmin.Refused
		missing *ferry.MissingError
		param   *ferry.ParamError
		invalid *ferry.ValidationError
	)
	switch {
	case errors.As(err, &he):
		return he.Status, he.Body
	case errors.As(err, &refused) && refused.Gone:
		return http.StatusUnprocessableEntity, message{refused.Reason}
	case errors.As(err, &refused):
		return http.StatusConflict, message{refused.Reason}
	case errors.As(err, &missing):
		return http.StatusBadRequest, errorBody{missing.Error()}
	case errors.As(err, &param):
		return http.StatusBadRequest, errorBody{param.Error()}
	case errors.As(err, &invalid):
		return http.StatusBadRequest, message{map[string][]string{invalid.Field: {invalid.Reason}}}
	case errors.Is(err, ferry.ErrUnauthorized):
		return http.StatusUnauthorized, message{"401 Unauthorized"}
	case errors.Is(err, ferry.ErrForbidden):
		return http.StatusForbidden, message{"403 Forbidden"}
	case errors.Is(err, ferry.ErrNotFound):
		return http.StatusNotFound, message{"404 Not Found"}
	case errors.Is(err, ferry.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, message{"413 Request Entity Too Large"}
	case errors.Is(err, ferry.ErrConflict):
		return http.StatusConflict, message{"409 Conflict"}
	}
	return http.StatusInternalServerError, message{"500 Internal Server Error"}
}

// writeError answers err in GitLab's shape; server errors are logged with
// the request's correlation ID and never shown.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if errors.As(err, &he) {
		for k, vs := range he.Header {
			w.Header()[k] = vs
		}
	}
	status, body := statusFor(err)
	if status >= 500 {
		a.logger.ErrorContext(r.Context(), "request failed", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	if text, ok := body.(rawText); ok {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(text))
		return
	}
	writeJSON(w, status, body)
}

// capitalized turns "email" into "Email", as GitLab's full messages read.
func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// isStatus reports whether err is an httpError with status.
func isStatus(err error, status int) bool {
	var he *httpError
	return errors.As(err, &he) && he.Status == status
}

package remote

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// ErrUnauthorized, ErrForbidden and ErrNotFound are the kinds of
// APIError a caller may test with errors.Is.
var (
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrNotFound     = errors.New("not found")
)

// APIError is a refusal of the server: the call, the status and the
// server's message.
type APIError struct {
	Method, Path string
	Status       int
	Message      string
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if !strings.HasPrefix(msg, strconv.Itoa(e.Status)) {
		msg = fmt.Sprintf("%d %s", e.Status, msg)
	}
	msg = fmt.Sprintf("%s %s: %s", e.Method, e.Path, msg)
	if hint := hints[e.Status]; hint != "" {
		msg += " (" + hint + ")"
	}
	return msg
}

// Unwrap gives the error's kind.
func (e *APIError) Unwrap() error {
	switch e.Status {
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound:
		return ErrNotFound
	}
	return nil
}

// hints say what to do about a refusal.
var hints = map[int]string{
	http.StatusUnauthorized: "the token is wrong, expired or revoked: give a personal access token with the api scope " +
		"(--token, FERRY_TOKEN or GITLAB_TOKEN)",
	http.StatusForbidden: "the token's user may not do this: export and import need the Maintainer role " +
		"(or Owner) and a token with the api scope",
	http.StatusNotFound: "check --server, and the project's or namespace's full path or id: " +
		"the token's user must be able to see it",
	http.StatusTooManyRequests:       "the server's rate limit: wait a minute and try again",
	http.StatusRequestEntityTooLarge: "the archive is larger than the server's max_import_size",
}

// errorOf reads a refusal from resp's body.
func errorOf(req *http.Request, resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return &APIError{Method: req.Method, Path: strings.TrimPrefix(req.URL.EscapedPath(), "/api/v4"),
		Status: resp.StatusCode, Message: message(body)}
}

// message is GitLab's error text in body: {"message": "..."},
// {"message": {"error": "..."}}, {"error": "..."}, or plain text.
func message(body []byte) string {
	var m struct {
		Message json.RawMessage `json:"message"`
		Error   string          `json:"error"`
	}
	if json.Unmarshal(body, &m) != nil {
		s := strings.TrimSpace(string(body))
		if len(s) > 200 || strings.HasPrefix(s, "<") {
			return ""
		}
		return s
	}
	if m.Error != "" {
		return m.Error
	}
	var s string
	if json.Unmarshal(m.Message, &s) == nil {
		return s
	}
	var inner map[string]any
	if json.Unmarshal(m.Message, &inner) == nil {
		var parts []string
		for k, v := range inner {
			parts = append(parts, fmt.Sprintf("%s: %v", k, v))
		}
		if e, ok := inner["error"].(string); ok {
			return e
		}
		return strings.Join(parts, "; ")
	}
	return strings.TrimSpace(string(m.Message))
}

// check returns resp when it is a success, else its error (and closes
// it).
func check(resp *http.Response) (*http.Response, error) {
	if resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	return nil, errorOf(resp.Request, resp)
}

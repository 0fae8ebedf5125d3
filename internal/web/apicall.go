package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/ferryhq/ferry/internal/auth"
)

// The import, export and administration pages hold no rules: they call
// the API's own endpoints in process (api.ServeAs, set with UseAPI) with
// the signed-in visitor as the caller, so that a form runs exactly what
// a token call runs (validation, rate limits, size limits, overwrite,
// access) and shows GitLab's messages.

// APIFunc answers an API request for the pages' visitor, a caller with
// the scopes of the token that opened their session (none: anonymous):
// api.(*API).ServeAs.
type APIFunc func(w http.ResponseWriter, r *http.Request, caller auth.Caller)

// UseAPI gives the pages the API they act through. internal/server calls
// it once the API is built (the API mounts the pages, so it comes after).
func (s *Web) UseAPI(f APIFunc) { s.api = f }

// apiRefusal is an API endpoint's refusal, shown on a page: its status
// and GitLab's message.
type apiRefusal struct {
	Status  int
	Message string
}

func (e *apiRefusal) Error() string { return fmt.Sprintf("%d %s", e.Status, e.Message) }

// answer records an API endpoint's (small, JSON) answer.
type answer struct {
	status int
	header http.Header
	body   bytes.Buffer
}

func (a *answer) Header() http.Header { return a.header }
func (a *answer) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(b)
}
func (a *answer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

// callAPI calls the API endpoint method path (a path under /api/v4, with
// its query) with form (nil: no body) for r's visitor and decodes its
// JSON answer into out (nil: ignored). A refusal is an *apiRefusal.
func (s *Web) callAPI(r *request, method, path string, form url.Values, out any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(r.ctx(), method, path, body)
	if err != nil {
		return err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return s.relay(r, req, out)
}

// relay runs req through the API for r's visitor (see callAPI).
func (s *Web) relay(r *request, req *http.Request, out any) error {
	if s.api == nil {
		return errors.New("web: no API to act through (UseAPI)")
	}
	req.RemoteAddr = r.RemoteAddr
	if id := r.Header.Get("X-Request-Id"); id != "" {
		req.Header.Set("X-Request-Id", id)
	}
	ans := &answer{header: http.Header{}}
	s.api(ans, req, r.caller)
	if ans.status == 0 {
		ans.status = http.StatusOK
	}
	if ans.status >= http.StatusBadRequest {
		return &apiRefusal{Status: ans.status, Message: apiMessage(ans.body.Bytes())}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(ans.body.Bytes(), out); err != nil {
		return fmt.Errorf("decode %s %s: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// apiMessage is the message of an API error body: GitLab's {"message":
// "..."}, {"message": {"field": ["..."]}}, {"error": "..."}, or plain
// text (Workhorse's 413).
func apiMessage(body []byte) string {
	var m struct {
		Message          json.RawMessage `json:"message"`
		Error            string          `json:"error"`
		ErrorDescription string          `json:"error_description"` // insufficient_scope
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return strings.TrimSpace(string(body))
	}
	var text string
	if json.Unmarshal(m.Message, &text) == nil && text != "" {
		return text
	}
	var parts []string
	var fields map[string][]string
	var texts map[string]string // {"message": {"error": "..."}}
	if json.Unmarshal(m.Message, &fields) == nil {
		for f, msgs := range fields {
			for _, msg := range msgs {
				parts = append(parts, f+" "+msg)
			}
		}
	} else if json.Unmarshal(m.Message, &texts) == nil {
		for _, text := range texts {
			parts = append(parts, text)
		}
	}
	if len(parts) > 0 {
		slices.Sort(parts)
		return strings.Join(parts, "; ")
	}
	if m.ErrorDescription != "" {
		return m.ErrorDescription
	}
	if m.Error != "" {
		return m.Error
	}
	return strings.TrimSpace(string(body))
}

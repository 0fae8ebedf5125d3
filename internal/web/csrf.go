package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/ferryhq/ferry"
)

// CSRF: every form carries authenticity_token (GitLab's field name), and
// every request that is not GET, HEAD or OPTIONS must send it back, in
// the form or in the X-CSRF-Token header. The token is an HMAC of the
// session id, so it is per session and nothing more is stored; before
// sign-in it is an HMAC of a random anonymous cookie (the sign-in form is
// protected too).
const (
	csrfField  = "authenticity_token"
	csrfHeader = "X-CSRF-Token"
	anonCookie = "_ferry_csrf"
	// maxFormMemory is what a multipart form keeps in memory; larger
	// files spool to temporary files (see http.Request.ParseMultipartForm).
	maxFormMemory = 32 << 20
)

// csrfToken returns the token of r's forms, giving an anonymous visitor
// their random cookie when they have none.
func (s *Web) csrfToken(w http.ResponseWriter, r *request) string {
	if r.sessionID != "" {
		return csrfFor(r.sessionID)
	}
	if c, err := r.Cookie(anonCookie); err == nil && len(c.Value) >= 26 {
		return csrfFor(c.Value)
	}
	seed := rand.Text()
	s.setCookie(w, r.Request, anonCookie, seed, time.Time{})
	return csrfFor(seed)
}

// csrfFor derives the CSRF token of a session id or anonymous seed.
func csrfFor(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("ferry web csrf"))
	return hex.EncodeToString(m.Sum(nil))
}

// checkCSRF refuses (errCSRF) a request that may change something and
// does not carry r's token.
func (s *Web) checkCSRF(r *request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	sent := r.Header.Get(csrfHeader)
	if sent == "" {
		if err := parseForm(r); err != nil {
			return err
		}
		sent = r.PostFormValue(csrfField)
	}
	if sent == "" || !hmac.Equal([]byte(sent), []byte(r.csrf)) {
		return errCSRF
	}
	return nil
}

// checkStreamCSRF is checkCSRF for a multipart form read as it arrives
// (streamPage): without the header, the token must be the form's first
// field (every form starts with {{template "csrf"}}); the parts after it
// are left in r.parts.
func (s *Web) checkStreamCSRF(r *request) error {
	if r.Header.Get(csrfHeader) != "" || !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return s.checkCSRF(r)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return fmt.Errorf("read form: %w: %v", ferry.ErrInvalid, err)
	}
	part, err := mr.NextPart()
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("read form: %w", err)
	}
	if err != nil || part.FormName() != csrfField {
		return errCSRF
	}
	sent, err := io.ReadAll(io.LimitReader(part, 256))
	if err != nil {
		return fmt.Errorf("read form: %w", err)
	}
	if !hmac.Equal(sent, []byte(r.csrf)) {
		return errCSRF
	}
	r.parts = mr
	return nil
}

// parseForm reads r's form. A body that stalls past its deadline is the
// API's 408 (os.ErrDeadlineExceeded); a malformed one is ferry.ErrInvalid.
func parseForm(r *request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxFormMemory)
	} else {
		err = r.ParseForm()
	}
	switch {
	case err == nil, errors.Is(err, http.ErrNotMultipart):
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("read form: %w", err)
	}
	return fmt.Errorf("read form: %w: %v", ferry.ErrInvalid, err)
}

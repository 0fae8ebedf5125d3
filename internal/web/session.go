package web

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/store"
)

// SessionCookie holds the session id; only its digest is stored.
const SessionCookie = "_ferry_session"

// SessionLifetime is how long a session lasts (GitLab's default
// session_expire_delay, a week); never longer than its token.
const SessionLifetime = 7 * 24 * time.Hour

// loadSession returns the signed-in caller of hr's session cookie (the
// user and their token's scopes) and the session id, or no caller and ""
// when there is no valid session: unknown,
// expired, or its token no longer valid (such a session is ended and its
// cookie cleared).
func (s *Web) loadSession(w http.ResponseWriter, hr *http.Request) (auth.Caller, string, error) {
	c, err := hr.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return auth.Caller{}, "", nil
	}
	digest := auth.Digest(c.Value)
	sess, err := s.db.WebSessionByDigest(hr.Context(), digest)
	if errors.Is(err, ferry.ErrNotFound) {
		s.clearCookie(w, hr, SessionCookie)
		return auth.Caller{}, "", nil
	}
	if err != nil {
		return auth.Caller{}, "", fmt.Errorf("look up session: %w", err)
	}
	var caller auth.Caller
	if time.Now().Before(sess.ExpiresAt) {
		caller, err = s.authn.AuthenticateTokenID(hr.Context(), sess.TokenID)
	} else {
		err = ferry.ErrUnauthorized
	}
	if errors.Is(err, ferry.ErrUnauthorized) || err == nil && caller.User.ID != sess.UserID {
		s.clearCookie(w, hr, SessionCookie)
		return auth.Caller{}, "", s.db.DeleteWebSession(hr.Context(), digest)
	}
	if err != nil {
		return auth.Caller{}, "", err
	}
	return caller, c.Value, nil
}

// startSession opens a session for the caller who signed in and sets its
// cookie. Sessions that expired meanwhile are removed on the way.
func (s *Web) startSession(w http.ResponseWriter, r *request, c auth.Caller) error {
	now := time.Now()
	if err := s.db.DeleteExpiredWebSessions(r.ctx(), now); err != nil {
		return err
	}
	expires := now.Add(SessionLifetime)
	if t := c.Token.ExpiresAt; t != nil && t.AddDate(0, 0, 1).Before(expires) {
		expires = t.AddDate(0, 0, 1) // a token is valid through its expiry date
	}
	id := rand.Text()
	sess := store.WebSession{UserID: c.User.ID, TokenID: c.Token.ID, ExpiresAt: expires}
	if err := s.db.CreateWebSession(r.ctx(), &sess, auth.Digest(id)); err != nil {
		return err
	}
	s.setCookie(w, r.Request, SessionCookie, id, expires)
	s.clearCookie(w, r.Request, anonCookie)
	return nil
}

// endSession removes r's session and clears its cookie.
func (s *Web) endSession(w http.ResponseWriter, r *request) error {
	s.clearCookie(w, r.Request, SessionCookie)
	if r.sessionID == "" {
		return nil
	}
	return s.db.DeleteWebSession(r.ctx(), auth.Digest(r.sessionID))
}

// setCookie sets an HttpOnly, SameSite=Lax cookie for the whole site,
// Secure when Ferry is served over https.
func (s *Web) setCookie(w http.ResponseWriter, hr *http.Request, name, value string, expires time.Time) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure || hr.TLS != nil}
	if !expires.IsZero() {
		c.Expires = expires
	}
	http.SetCookie(w, c)
}

// clearCookie removes cookie name from the browser.
func (s *Web) clearCookie(w http.ResponseWriter, hr *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure || hr.TLS != nil})
}

package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
)

// signInView is the sign-in form's data.
type signInView struct {
	RedirectTo string
	Error      string
}

// signInForm is GET /users/sign_in: a personal access token is the
// password (Ferry users have no other).
func (s *Web) signInForm(w http.ResponseWriter, r *request) error {
	to := safeRedirect(r.URL.Query().Get("redirect_to"))
	if r.user != nil {
		http.Redirect(w, r.Request, to, http.StatusFound)
		return nil
	}
	return s.render(w, r, "sign_in", signInView{RedirectTo: to})
}

// signIn is POST /users/sign_in: a valid token with the api or read_api
// scope opens a session; anything else shows the form again (401).
func (s *Web) signIn(w http.ResponseWriter, r *request) error {
	to := safeRedirect(r.PostFormValue("redirect_to"))
	token := strings.TrimSpace(r.PostFormValue("token"))
	caller, err := s.authn.Authenticate(r.ctx(), token)
	if err == nil && !caller.Allows("api", "read_api") {
		err = ferry.ErrUnauthorized
	}
	if errors.Is(err, ferry.ErrUnauthorized) || token == "" {
		return s.renderStatus(w, r, http.StatusUnauthorized, "sign_in", signInView{RedirectTo: to,
			Error: "Invalid token: use an active personal access token with the api or read_api scope."})
	}
	if err != nil {
		return err
	}
	if err := s.startSession(w, r, caller); err != nil {
		return err
	}
	http.Redirect(w, r.Request, to, http.StatusSeeOther)
	return nil
}

// signOut is POST /users/sign_out: the session ends, on the server too.
func (s *Web) signOut(w http.ResponseWriter, r *request) error {
	if err := s.endSession(w, r); err != nil {
		return err
	}
	http.Redirect(w, r.Request, "/users/sign_in", http.StatusSeeOther)
	return nil
}

// safeRedirect is to when it is a path of this site, "/" otherwise: a
// sign-in link must not send the visitor elsewhere.
func safeRedirect(to string) string {
	if !strings.HasPrefix(to, "/") || strings.HasPrefix(to, "//") || strings.ContainsAny(to, "\\\r\n") {
		return "/"
	}
	return to
}

package api

import (
	"errors"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
)

// currentUser is GET /user.
func (a *API) currentUser(w http.ResponseWriter, r *request) error {
	writeJSON(w, http.StatusOK, a.user(*r.user, r.user))
	return nil
}

// getUser is GET /users/:id.
func (a *API) getUser(w http.ResponseWriter, r *request) error {
	u, err := a.findUser(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.user(u, r.user))
	return nil
}

// listUsers is GET /users.
func (a *API) listUsers(w http.ResponseWriter, r *request) error {
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	users, total, err := a.db.ListUsers(r.ctx(), pg.store())
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, mapSlice(users, func(u ferry.User) userEntity { return a.user(u, r.user) }))
	return nil
}

var usernameFormat = regexp.MustCompile(`^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$`)

// createUser is POST /users (administrators only). Ferry users sign in
// with tokens only, so password parameters are accepted and ignored.
func (a *API) createUser(w http.ResponseWriter, r *request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	if err := r.params.require("email", "name", "username"); err != nil {
		return err
	}
	u := ferry.User{}
	u.Email, _ = r.params.str("email")
	u.Name, _ = r.params.str("name")
	u.Username, _ = r.params.str("username")
	admin, err := r.params.boolean("admin", false)
	if err != nil {
		return err
	}
	u.IsAdmin = admin
	if _, err := mail.ParseAddress(u.Email); err != nil {
		return validationError("email", "is invalid")
	}
	if !usernameFormat.MatchString(u.Username) || len(u.Username) > 255 {
		return validationError("username", "can contain only letters, digits, '_', '-' and '.'. "+
			"Cannot start with '-' or end in '.', '.git' or '.atom'.")
	}
	if err := ferry.ValidatePath(u.Username, true); err != nil {
		var ve *ferry.ValidationError
		if errors.As(err, &ve) && strings.HasSuffix(ve.Reason, ferry.ReservedReason) {
			return validationError("username", ve.Reason)
		}
		return validationError("username", "is invalid")
	}
	if err := a.db.CreateUser(r.ctx(), &u); err != nil {
		var ve *ferry.ValidationError
		if errors.As(err, &ve) && errors.Is(err, ferry.ErrConflict) {
			return apiError(http.StatusConflict, capitalized(ve.Field)+" has already been taken")
		}
		return err
	}
	writeJSON(w, http.StatusCreated, a.user(u, r.user))
	return nil
}

// createToken is POST /users/:id/personal_access_tokens (administrators
// only). The token is in this answer and nowhere else, ever.
func (a *API) createToken(w http.ResponseWriter, r *request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	u, err := a.findUser(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.params.require("name", "scopes"); err != nil {
		return err
	}
	t := ferry.PersonalAccessToken{UserID: u.ID}
	t.Name, _ = r.params.str("name")
	t.Scopes = r.params.list("scopes")
	if len(t.Scopes) == 0 {
		return &ferry.MissingError{Params: []string{"scopes"}}
	}
	for _, s := range t.Scopes {
		if !slices.Contains(ferry.TokenScopes, s) {
			return &ferry.ParamError{Param: "scopes", Reason: "does not have a valid value"}
		}
	}
	if s, ok := r.params.str("expires_at"); ok && s != "" {
		day, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return &ferry.ParamError{Param: "expires_at"}
		}
		t.ExpiresAt = &day
	}
	t.Description, _ = r.params.str("description")
	secret := auth.NewToken()
	if err := a.db.CreateToken(r.ctx(), &t, auth.Digest(secret)); err != nil {
		return err
	}
	e := token(t)
	e.Token = secret
	writeJSON(w, http.StatusCreated, e)
	return nil
}

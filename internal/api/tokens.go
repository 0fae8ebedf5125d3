package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/store"
)

// listTokens is GET /personal_access_tokens: the caller's own tokens, or
// for administrators everyone's (user_id: one user's), filtered by
// revoked, state, created_before/after, last_used_before/after,
// expires_before/after and search, ordered by sort, paginated. A user_id naming someone else is
// 401 for a non-administrator, as in GitLab.
func (a *API) listTokens(w http.ResponseWriter, r *request) error {
	userRef, byUser := r.params.str("user_id")
	userID, badID := strconv.ParseInt(userRef, 10, 64)
	if userRef != "" && !r.user.IsAdmin && (badID != nil || !auth.CanManageTokensOf(r.user, userID)) {
		return ferry.ErrUnauthorized
	}
	f, pg, err := tokenFilter(r)
	switch {
	case err != nil:
		return err
	case userRef != "" && badID != nil:
		return &ferry.ParamError{Param: "user_id"}
	case !r.user.IsAdmin:
		f.UserID = r.user.ID
	case byUser:
		if _, err := a.db.UserByID(r.ctx(), userID); errors.Is(err, ferry.ErrNotFound) || userRef == "" {
			return notFound("")
		} else if err != nil {
			return err
		}
		f.UserID = userID
	}
	f.Page = pg.store()
	tokens, total, err := a.db.ListTokens(r.ctx(), f)
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, mapSlice(tokens, token))
	return nil
}

// tokenWithIPs is GitLab's Entities::PersonalAccessTokenWithLastUsedIps
// (Ferry keeps no addresses).
type tokenWithIPs struct {
	tokenEntity
	LastUsedIPs []string `json:"last_used_ips"`
}

// getToken is GET /personal_access_tokens/:id: one's own token, any token
// for administrators. Others get 401, and administrators 404 for a token
// that does not exist, as in GitLab.
func (a *API) getToken(w http.ResponseWriter, r *request) error {
	t, err := a.tokenByRef(r, r.PathValue("id"))
	if err == nil && !auth.CanManageTokensOf(r.user, t.UserID) {
		err = ferry.ErrNotFound
	}
	switch {
	case errors.Is(err, ferry.ErrNotFound) && r.user.IsAdmin:
		return notFound("")
	case errors.Is(err, ferry.ErrNotFound):
		return ferry.ErrUnauthorized
	case err != nil:
		return err
	}
	writeJSON(w, http.StatusOK, tokenWithIPs{token(t), []string{}})
	return nil
}

// revokeToken is DELETE /personal_access_tokens/:id: 204 once one's own
// token (any token, for administrators) is revoked; 400 for someone
// else's, 404 {"message":"404 Not found"} for one that does not exist.
func (a *API) revokeToken(w http.ResponseWriter, r *request) error {
	t, err := a.tokenByRef(r, r.PathValue("id"))
	if errors.Is(err, ferry.ErrNotFound) {
		return apiError(http.StatusNotFound, "404 Not found")
	}
	if err != nil {
		return err
	}
	if !auth.CanManageTokensOf(r.user, t.UserID) {
		return apiError(http.StatusBadRequest, "400 Bad request")
	}
	return a.revoke(w, r, t.ID)
}

// getSelfToken is GET /personal_access_tokens/self: the token the caller
// authenticated with, whatever its scopes.
func (a *API) getSelfToken(w http.ResponseWriter, r *request) error {
	t, err := a.db.TokenByID(r.ctx(), r.token.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, token(t))
	return nil
}

// revokeSelfToken is DELETE /personal_access_tokens/self: the token the
// caller authenticated with revokes itself, whatever its scopes.
func (a *API) revokeSelfToken(w http.ResponseWriter, r *request) error {
	return a.revoke(w, r, r.token.ID)
}

func (a *API) revoke(w http.ResponseWriter, r *request, id int64) error {
	if err := a.db.RevokeToken(r.ctx(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// tokenByRef finds token ref (its id). Returns ferry.ErrNotFound for an
// id that is not a number or names no token.
func (a *API) tokenByRef(r *request, ref string) (ferry.PersonalAccessToken, error) {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return ferry.PersonalAccessToken{}, ferry.ErrNotFound
	}
	return a.db.TokenByID(r.ctx(), id)
}

// tokenFilter reads the token list parameters as Grape validates them.
func tokenFilter(r *request) (store.TokenFilter, pager, error) {
	var f store.TokenFilter
	pg, err := readPager(r.params)
	if err != nil {
		return f, pg, err
	}
	if r.params.has("revoked") {
		revoked, err := r.params.boolean("revoked", false)
		if err != nil {
			return f, pg, err
		}
		f.Revoked = &revoked
	}
	if f.State, err = r.params.oneOf("state", "", "active", "inactive"); err != nil {
		return f, pg, err
	}
	for _, d := range []struct {
		key string
		dst **time.Time
	}{{"created_before", &f.CreatedBefore}, {"created_after", &f.CreatedAfter},
		{"last_used_before", &f.LastUsedBefore}, {"last_used_after", &f.LastUsedAfter},
		{"expires_before", &f.ExpiresBefore}, {"expires_after", &f.ExpiresAfter}} {
		if *d.dst, err = r.params.dateTime(d.key); err != nil {
			return f, pg, err
		}
	}
	f.Search, _ = r.params.str("search")
	f.Sort, _ = r.params.str("sort")
	return f, pg, nil
}

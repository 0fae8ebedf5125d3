// Package auth owns who a request is and what that caller may do: personal
// access tokens (made, hashed, looked up) with their scopes, and GitLab's
// access levels on groups and projects, inherited down the group tree.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// TokenPrefix starts every token Ferry makes, as GitLab's "glpat-".
const TokenPrefix = "glpat-"

// NewToken returns a fresh random token (26 random base32 characters, 130
// bits) with TokenPrefix.
func NewToken() string { return TokenPrefix + rand.Text() }

// Digest returns the SHA-256 hex digest under which a token is stored.
// Tokens are long random strings, so an unsalted fast hash is enough: the
// digest cannot be reversed and lookups stay a single index probe.
func Digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Authenticator checks tokens against the store.
type Authenticator struct{ DB *store.DB }

// Caller is an authenticated user and the token used.
type Caller struct {
	User   *ferry.User
	Scopes []string
	// Token is the personal access token the caller authenticated with.
	Token *ferry.PersonalAccessToken
}

// Allows reports whether the token holds any of scopes.
func (c Caller) Allows(scopes ...string) bool {
	for _, s := range scopes {
		if slices.Contains(c.Scopes, s) {
			return true
		}
	}
	return false
}

// Authenticate returns the active user holding token and the token's
// scopes. Returns ferry.ErrUnauthorized for an unknown, expired or revoked
// token or a blocked user.
func (a *Authenticator) Authenticate(ctx context.Context, token string) (Caller, error) {
	t, u, err := a.DB.TokenByDigest(ctx, Digest(token))
	return a.caller(ctx, t, u, err)
}

// AuthenticateTokenID is Authenticate for the token with id, which a web
// session signed in with: the session lasts only while its token is valid.
func (a *Authenticator) AuthenticateTokenID(ctx context.Context, id int64) (Caller, error) {
	t, u, err := a.DB.TokenAndUserByID(ctx, id)
	return a.caller(ctx, t, u, err)
}

// caller checks a looked-up token t of user u (err the lookup's error)
// and records its use.
func (a *Authenticator) caller(ctx context.Context, t ferry.PersonalAccessToken, u ferry.User, err error) (Caller, error) {
	now := time.Now()
	if errors.Is(err, ferry.ErrNotFound) {
		return Caller{}, ferry.ErrUnauthorized
	}
	if err != nil {
		return Caller{}, fmt.Errorf("look up token: %w", err)
	}
	if !t.Active(now) || u.State != "active" {
		return Caller{}, ferry.ErrUnauthorized
	}
	if err := a.DB.TouchToken(ctx, t, now); err != nil {
		return Caller{}, fmt.Errorf("record token use: %w", err)
	}
	return Caller{User: &u, Scopes: t.Scopes, Token: &t}, nil
}

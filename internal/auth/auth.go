// Package auth owns who a request is and what that caller may do: personal
// access tokens (made, hashed, looked up), the caller's identity in a
// context, and GitLab's access levels on groups and projects, inherited
// down the group tree.
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

type userKey struct{}

// WithUser returns ctx carrying the authenticated user.
func WithUser(ctx context.Context, u *ferry.User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the authenticated user in ctx, or nil for an anonymous
// caller.
func UserFrom(ctx context.Context) *ferry.User {
	u, _ := ctx.Value(userKey{}).(*ferry.User)
	return u
}

// Authenticator checks tokens against the store.
type Authenticator struct {
	DB  *store.DB
	Now func() time.Time
}

// Caller is an authenticated user and the scopes of the token used.
type Caller struct {
	User   *ferry.User
	Scopes []string
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
	now := time.Now()
	if a.Now != nil {
		now = a.Now()
	}
	t, u, err := a.DB.TokenByDigest(ctx, Digest(token))
	if errors.Is(err, ferry.ErrNotFound) {
		return Caller{}, ferry.ErrUnauthorized
	}
	if err != nil {
		return Caller{}, fmt.Errorf("look up token: %w", err)
	}
	if !t.Active(now) || u.State != "active" {
		return Caller{}, ferry.ErrUnauthorized
	}
	if err := a.DB.TouchToken(ctx, t.ID, now); err != nil {
		return Caller{}, fmt.Errorf("record token use: %w", err)
	}
	return Caller{User: &u, Scopes: t.Scopes}, nil
}

// Package webtest drives Ferry's web interface in tests: Client, an HTTP
// client with a cookie jar that signs in and posts forms with their CSRF
// token (for status, access and form tests), Browser, a headless Debian
// chromium driven through chromedp (for what a person does), and
// ImportFixture, GitLab's complex fixture imported with a small
// repository. Start a server with servertest.Start first.
package webtest

import (
	"fmt"
	"sync/atomic"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

var userSeq atomic.Int64

// NewUser creates a user as root and returns it with a fresh token of its
// own (scope api).
func NewUser(t testing.TB, env *servertest.Env, username string) (*gitlab.User, string) {
	t.Helper()
	u, _, err := env.Root.Users.CreateUser(&gitlab.CreateUserOptions{
		Email: gitlab.Ptr(fmt.Sprintf("%s-%d@example.com", username, userSeq.Add(1))), Name: gitlab.Ptr(username),
		Username: gitlab.Ptr(username), ForceRandomPassword: gitlab.Ptr(true),
	})
	if err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	tok, _, err := env.Root.Users.CreatePersonalAccessToken(u.ID, &gitlab.CreatePersonalAccessTokenOptions{
		Name: gitlab.Ptr("web"), Scopes: &[]string{"api"},
	})
	if err != nil {
		t.Fatalf("create token for %s: %v", username, err)
	}
	return u, tok.Token
}

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// TestSignIn_Session checks the session cookie's attributes, that a bad
// token opens no session, and that signing out ends the session on the
// server: the old cookie no longer signs anyone in.
func TestSignIn_Session(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	c := webtest.NewClient(t, env)
	c.Get("/users/sign_in")
	if resp := c.Post("/users/sign_in", url.Values{"token": {"glpat-wrong"}}, true); resp.Status != http.StatusUnauthorized ||
		c.Cookie(web.SessionCookie) != "" {
		t.Fatalf("a wrong token: %d, cookie %q", resp.Status, c.Cookie(web.SessionCookie))
	}
	resp := c.Post("/users/sign_in", url.Values{"token": {servertest.RootToken}, "redirect_to": {"//evil.example/x"}}, true)
	if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("sign in: %d to %q, want 303 to / (never off-site)", resp.Status, resp.Header.Get("Location"))
	}
	cookie := resp.Header.Get("Set-Cookie")
	for _, attr := range []string{web.SessionCookie + "=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("session cookie %q lacks %s", cookie, attr)
		}
	}
	old := c.Cookie(web.SessionCookie)
	if page := c.Get("/dashboard/projects"); page.Status != http.StatusOK || !strings.Contains(page.Body, "Signed in as") {
		t.Fatalf("signed in dashboard: %d", page.Status)
	}
	if resp := c.Post("/users/sign_out", nil, true); resp.Status != http.StatusSeeOther {
		t.Fatalf("sign out: %d %s", resp.Status, resp.Body)
	}
	replay := webtest.NewClient(t, env)
	u, _ := url.Parse(env.URL)
	replay.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: old}})
	if page := replay.Get("/dashboard/projects"); page.Status != http.StatusFound ||
		!strings.HasPrefix(page.Header.Get("Location"), "/users/sign_in") {
		t.Fatalf("the signed-out cookie still opens the dashboard: %d", page.Status)
	}
}

// TestCSRF refuses forms posted without their page's token, or with
// another session's.
func TestCSRF(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	other := webtest.NewClient(t, env)
	other.SignIn(servertest.RootToken)
	otherToken := other.CSRF

	c := webtest.NewClient(t, env)
	c.Get("/users/sign_in")
	if resp := c.Post("/users/sign_in", url.Values{"token": {servertest.RootToken}}, false); resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("sign in without a token: %d, want 422", resp.Status)
	}
	c.SignIn(servertest.RootToken)
	c.Get("/")
	cases := []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{}},
		{"empty token", url.Values{"authenticity_token": {""}}},
		{"wrong token", url.Values{"authenticity_token": {"00" + c.CSRF[2:]}}},
		{"another session's token", url.Values{"authenticity_token": {otherToken}}},
	}
	for _, tc := range cases {
		if resp := c.Post("/users/sign_out", tc.form, false); resp.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: sign out answered %d, want 422", tc.name, resp.Status)
		}
	}
	if page := c.Get("/dashboard/projects"); page.Status != http.StatusOK {
		t.Errorf("refused forms ended the session: %d", page.Status)
	}
}

// TestPrivateProject answers 404 on every page of a private project to
// anonymous visitors and to a signed-in user who is not a member, as for
// a project that does not exist, and lists it for neither.
func TestPrivateProject(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p := webtest.ImportFixture(t, env, "secret")
	if _, _, err := env.Root.Projects.EditProject(p.ID, &gitlab.EditProjectOptions{
		Visibility: gitlab.Ptr(gitlab.PrivateVisibility)}); err != nil {
		t.Fatal(err)
	}
	_, token := webtest.NewUser(t, env, "outsider")
	outsider := webtest.NewClient(t, env)
	outsider.SignIn(token)
	anonymous := webtest.NewClient(t, env)
	root := webtest.NewClient(t, env)
	root.SignIn(servertest.RootToken)

	base := "/" + p.PathWithNamespace
	pages := []string{base, base + "/-/tree/master", base + "/-/tree/master/src", base + "/-/blob/master/README.md",
		base + "/-/raw/master/README.md", base + "/-/commits/master", base + "/-/branches", base + "/-/tags",
		base + "/-/tags/v1.0", base + "/-/issues", base + "/-/issues/10", base + "/-/merge_requests",
		base + "/-/merge_requests/8", base + "/-/merge_requests/8/diffs", base + "/-/wikis", base + "/-/wikis/home",
		base + "/-/releases", base + "/-/releases/release-1.0", base + "/-/milestones", base + "/-/labels",
		base + "/-/project_members", base + "/-/pipelines", base + "/-/compare/v1.0...feature/web",
		base + "/-/archive/v1.0/secret-v1.0.tar.gz"}
	for _, path := range pages {
		if resp := root.Get(path); resp.Status != http.StatusOK {
			t.Errorf("root: %s answered %d", path, resp.Status)
		}
		for name, c := range map[string]*webtest.Client{"anonymous": anonymous, "outsider": outsider} {
			if resp := c.Get(path); resp.Status != http.StatusNotFound || strings.Contains(resp.Body, "Fixture project") {
				t.Errorf("%s: %s answered %d", name, path, resp.Status)
			}
		}
	}
	for name, c := range map[string]*webtest.Client{"anonymous": anonymous, "outsider": outsider} {
		if resp := c.Get("/explore/projects"); strings.Contains(resp.Body, p.PathWithNamespace) {
			t.Errorf("%s: explore lists the private project", name)
		}
	}
	if resp := root.Get("/explore/projects?search=secret"); !strings.Contains(resp.Body, `href="`+base+`"`) {
		t.Errorf("root's explore does not list the project")
	}
}

// TestSession_EndsWithItsToken ends a session when the token it signed
// in with is revoked.
func TestSession_EndsWithItsToken(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	_, token := webtest.NewUser(t, env, "leaver")
	c := webtest.NewClient(t, env)
	c.SignIn(token)
	if page := c.Get("/dashboard/projects"); page.Status != http.StatusOK {
		t.Fatalf("dashboard: %d", page.Status)
	}
	if _, err := servertest.Client(t, env.URL, token).PersonalAccessTokens.RevokePersonalAccessTokenSelf(); err != nil {
		t.Fatal(err)
	}
	if page := c.Get("/dashboard/projects"); page.Status != http.StatusFound {
		t.Fatalf("dashboard after the token was revoked: %d, want a redirect to sign in", page.Status)
	}
	if c.Cookie(web.SessionCookie) != "" {
		t.Errorf("the ended session's cookie was not cleared")
	}
}

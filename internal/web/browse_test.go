package web_test

import (
	"net/http"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// TestWebURLs opens the web_url of every kind of answer whose page exists
// and checks what each page shows.
func TestWebURLs(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p := webtest.ImportFixture(t, env, "links")
	g, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Team"), Path: gitlab.Ptr("team"),
		Visibility: gitlab.Ptr(gitlab.PublicVisibility)})
	if err != nil {
		t.Fatal(err)
	}
	user, _, err := env.Root.Users.CurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	branch, _, err := env.Root.Branches.GetBranch(p.ID, "feature/web")
	if err != nil {
		t.Fatal(err)
	}
	commit, _, err := env.Root.Commits.GetCommit(p.ID, "master", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	cases := []struct {
		what, url string
		want      []string
	}{
		{"project", p.WebURL, []string{"Fixture project", "Imported content", `href="/root/links/-/tree"`,
			`href="/root/links/-/issues?state=all"`, `href="/root/links/-/merge_requests?state=all"`}},
		{"group", g.WebURL, []string{"Team"}},
		{"group at its path", env.URL + "/team", []string{"Team"}},
		{"user", user.WebURL, []string{"@root", `href="/root/links"`}},
		{"namespace of a user", env.URL + "/root", []string{"@root"}},
		{"branch", branch.WebURL, []string{"feature/web", "src/"}},
		{"commit", commit.WebURL, []string{commit.ID, "Add the fixture files", "README.md"}},
		{"tree of a folder", p.WebURL + "/-/tree/master/src", []string{"main.go", `<a href="/root/links/-/tree/master">..</a>`}},
		{"branches by name, any case", p.WebURL + "/-/branches?search=WEB", []string{"<strong>feature/web</strong>"}},
		{"file", p.WebURL + "/-/blob/v1.0/docs/guide.md", []string{"Read me."}},
		{"tags", p.WebURL + "/-/tags", []string{"v1.0"}},
		{"history of a file", p.WebURL + "/-/commits/master/src/main.go", []string{"Add the fixture files"}},
		{"explore search", env.URL + "/explore/projects?search=link", []string{`href="/root/links"`}},
		{"explore groups", env.URL + "/explore/groups", []string{`href="/groups/team"`}},
		{"dashboard", env.URL + "/", []string{`href="/root/links"`, "Import:", "finished"}},
	}
	for _, tc := range cases {
		path := strings.TrimPrefix(tc.url, env.URL)
		resp := c.Get(path)
		if resp.Status != http.StatusOK {
			t.Errorf("%s: %s answered %d", tc.what, path, resp.Status)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(resp.Body, w) {
				t.Errorf("%s: %s lacks %q", tc.what, path, w)
			}
		}
	}
	head, err := c.HTTP.Head(env.URL + "/root/links/-/tree/master")
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if head.StatusCode != http.StatusOK {
		t.Errorf("HEAD of a page: %d", head.StatusCode)
	}
	for _, path := range []string{"/root/links/-/blob/master/nope.go", "/root/links/-/tree/nope", "/root/links/-/commit/0123abc",
		"/root/links/-/nope", "/nobody", "/groups/nope", "/root/links/-/raw/master/src"} {
		if resp := c.Get(path); resp.Status != http.StatusNotFound || !strings.Contains(resp.Body, "404") {
			t.Errorf("%s answered %d, want a 404 page", path, resp.Status)
		}
	}
}

// TestRaw checks that raw files cannot run as pages of Ferry.
func TestRaw(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p := webtest.ImportFixture(t, env, "raw-files")
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	resp := c.Get("/" + p.PathWithNamespace + "/-/raw/master/src/main.go")
	if resp.Status != http.StatusOK || resp.Body != webtest.Files["src/main.go"] {
		t.Fatalf("raw: %d %q", resp.Status, resp.Body)
	}
	for header, want := range map[string]string{"Content-Type": "text/plain; charset=utf-8",
		"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox; default-src 'none'"} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s: %q, want %q", header, got, want)
		}
	}
}

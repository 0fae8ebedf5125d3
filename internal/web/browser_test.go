package web_test

import (
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// TestBrowser_BrowseImportedProject is what a person does in a real
// browser: sign in with a token, open an imported project, read its
// README and counts, browse the files, open one, read it raw, sign out.
func TestBrowser_BrowseImportedProject(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	b := webtest.StartBrowser(t, env)
	p := webtest.ImportFixture(t, env, "web-fixture")

	b.Open("/" + p.PathWithNamespace)
	if !strings.Contains(b.Location(), "/users/sign_in") && b.Has(`[data-testid="readme"]`) {
		t.Fatalf("a private project showed its README before sign in")
	}
	b.SignIn(servertest.RootToken)
	if got := b.Text("header .me"); !strings.Contains(got, "root") {
		t.Fatalf("after sign in the header shows %q", got)
	}
	b.Open("/explore/projects?search=web-fixture")
	b.Click(`[data-testid="projects"] a[href="/` + p.PathWithNamespace + `"]`)
	if readme := b.Text(`[data-testid="readme"]`); !strings.Contains(readme, "Imported by Ferry") {
		t.Fatalf("README: %q", readme)
	}
	if img := b.Attr(`[data-testid="readme"] img`, "src"); img != "/"+p.PathWithNamespace+"/uploads/0123456789abcdef0123456789abcdef/logo.png" {
		t.Errorf("README image points at %q", img)
	}
	if counts := b.Text(`[data-testid="counts"]`); !strings.Contains(counts, "Issues") || !strings.Contains(counts, "Merge requests") {
		t.Errorf("counts: %q", counts)
	}

	b.Click(`nav[aria-label="Project"] a[href$="/-/tree"]`)
	b.Click(`[data-testid="tree"] a[href$="/-/tree/master/src"]`)
	b.Click(`[data-testid="tree"] a[href$="/-/blob/master/src/main.go"]`)
	if code := b.Text(`[data-testid="blob"]`); !strings.Contains(code, `println("hello from ferry")`) {
		t.Fatalf("file view: %q", code)
	}
	if !b.Has("#L4") {
		t.Errorf("file view has no line anchors")
	}
	b.Click(`[data-testid="raw"]`)
	if raw := b.Text("body"); raw != webtest.Files["src/main.go"] {
		t.Errorf("raw file: %q", raw)
	}

	b.Open("/" + p.PathWithNamespace + "/-/commits/master")
	b.Click(`[data-testid="commits"] a`)
	if sha := b.Text(`[data-testid="sha"]`); len(sha) != 40 {
		t.Errorf("commit page shows sha %q", sha)
	}
	b.Open("/" + p.PathWithNamespace + "/-/branches")
	if refs := b.Text(`[data-testid="refs"]`); !strings.Contains(refs, "feature/web") || !strings.Contains(refs, "master") {
		t.Errorf("branches: %q", refs)
	}

	b.SignOut()
	if loc := b.Location(); !strings.HasSuffix(loc, "/users/sign_in") {
		t.Errorf("after sign out the browser is at %s", loc)
	}
	b.Open("/dashboard/projects")
	if loc := b.Location(); !strings.Contains(loc, "/users/sign_in?redirect_to=") {
		t.Errorf("a page needing a session opened at %s after sign out", loc)
	}
}

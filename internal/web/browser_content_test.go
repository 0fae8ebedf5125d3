package web_test

import (
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// TestBrowser_ReadContent is a person reading imported content in a real
// browser: the issues (closed ones, searched), an issue's notes, a merge
// request and its diff, the wiki, a release; and an issue of hostile
// text that must open no dialog.
func TestBrowser_ReadContent(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	b := webtest.StartBrowser(t, env)
	p := webtest.ImportFixture(t, env, "reading")
	hostileProject := webtest.ImportEditedFixture(t, env, "hostile-reading", hostileFixture)
	// Public: its uploads are the API's, which reads no session (yet).
	if _, _, err := env.Root.Projects.EditProject(hostileProject.ID, &gitlab.EditProjectOptions{
		Visibility: gitlab.Ptr(gitlab.PublicVisibility)}); err != nil {
		t.Fatal(err)
	}
	b.SignIn(servertest.RootToken)
	b.Open("/" + p.PathWithNamespace)

	b.Click(`nav[aria-label="Project"] a[href$="/-/issues"]`)
	if list := b.Text(`[data-testid="issues"]`); !strings.Contains(list, "Issue without assignees") || strings.Contains(list, "issue_with_timelogs") {
		t.Errorf("open issues: %q", list)
	}
	b.Click(`nav[aria-label="State"] a[href*="state=closed"]`)
	if list := b.Text(`[data-testid="issues"]`); !strings.Contains(list, "issue_with_timelogs") || strings.Contains(list, "Issue without assignees") {
		t.Errorf("closed issues: %q", list)
	}
	b.Type("#search", "timelogs")
	b.Click(`form.search button[type="submit"]`)
	if list := b.Text(`[data-testid="issues"]`); !strings.Contains(list, "issue_with_timelogs") || strings.Contains(list, "task by issue_type") {
		t.Errorf("closed issues searched for timelogs: %q", list)
	}
	b.Click(`[data-testid="issues"] a`)
	if title := b.Text(`[data-testid="title"]`); !strings.Contains(title, "issue_with_timelogs") {
		t.Errorf("issue title: %q", title)
	}
	if notes := b.Text(`[data-testid="notes"]`); !strings.Contains(notes, "A mollitia qui iste consequatu") {
		t.Errorf("issue notes: %q", notes)
	}

	b.Click(`nav[aria-label="Project"] a[href$="/-/merge_requests"]`)
	b.Click(`[data-testid="merge-requests"] a[href$="/-/merge_requests/8"]`)
	if branch := b.Text(`[data-testid="source-branch"]`); branch != "feature" {
		t.Errorf("merge request source branch: %q", branch)
	}
	b.Click(`[data-testid="changes-tab"]`)
	if diff := b.Text(`[data-testid="diff"]`); !strings.Contains(diff, "files/ruby/feature.rb") || !strings.Contains(diff, "+class Feature") {
		t.Errorf("merge request diff: %q", diff)
	}

	b.Click(`nav[aria-label="Project"] a[href$="/-/wikis"]`)
	b.Click(`[data-testid="wiki-pages"] a[href$="/-/wikis/home"]`)
	if page := b.Text(`[data-testid="wiki-page"]`); !strings.Contains(page, "The fixture's wiki home.") {
		t.Errorf("wiki page: %q", page)
	}
	b.Click(`nav[aria-label="Project"] a[href$="/-/releases"]`)
	b.Click(`[data-testid="release"] h2 a[href$="/-/releases/release-1.1"]`)
	if rel := b.Text(`[data-testid="release"]`); !strings.Contains(rel, "Some release notes") || !strings.Contains(rel, "Source code (zip)") {
		t.Errorf("release: %q", rel)
	}

	b.Open("/" + hostileProject.PathWithNamespace + "/-/issues/10")
	if title := b.Text(`[data-testid="title"]`); !strings.Contains(title, "<script>alert(1)</script>") {
		t.Errorf("the hostile title is not shown as text: %q", title)
	}
	if !b.Loaded(`[data-testid="description"] img[src$="/uploads/` + webtest.UploadSecret + `/logo.png"]`) {
		t.Errorf("the image of the issue's description does not display")
	}
	if b.Has(`main img[src="x"]`) || b.Has(`main a[href^="javascript:"]`) || b.Has(`main script`) {
		t.Errorf("the hostile issue's page holds live elements")
	}
	b.Open("/" + hostileProject.PathWithNamespace + "/-/issues")
	if n := b.Dialogs(); n != 0 {
		t.Errorf("pages of hostile content opened %d JavaScript dialogs", n)
	}
}

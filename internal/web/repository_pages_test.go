package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// TestRepositoryPages reads a tag with its release, a comparison, a
// pipeline with its jobs, a job, and a release's source archive.
func TestRepositoryPages(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p := webtest.ImportFixture(t, env, "repo-pages")
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	base := "/" + p.PathWithNamespace
	api := "projects/" + strconv.FormatInt(p.ID, 10)
	checkPages(t, c, []pageCase{
		{"annotated tag", base + "/-/tags/release-1.2", []string{"Release 1.2", `href="` + base + `/-/releases/release-1.2"`}, nil},
		{"tag without a release", base + "/-/tags/v1.0", []string{`href="` + base + `/-/tree/v1.0"`}, []string{"/-/releases/"}},
		{"compare", base + "/-/compare/v1.0...feature/web", []string{"Feature work", "Commits (1)"}, nil},
		{"pipelines", base + "/-/pipelines", []string{`data-testid="pipelines"`}, nil},
		{"pipeline", base + "/-/pipelines/" + firstID(t, env, api+"/pipelines"), []string{`data-testid="pipeline"`}, nil},
		{"job", base + "/-/jobs/" + firstID(t, env, api+"/jobs"), []string{`data-testid="job"`, "Stage"}, nil},
	})
	zip := c.Get(base + "/-/archive/release-1.1/repo-pages-release-1.1.zip")
	if zip.Status != http.StatusOK || !strings.HasPrefix(zip.Body, "PK") ||
		zip.Header.Get("Content-Disposition") != `attachment; filename=repo-pages-release-1.1.zip` {
		t.Errorf("archive: %d %q %q", zip.Status, zip.Header.Get("Content-Disposition"), zip.Body[:min(len(zip.Body), 4)])
	}
	checkNotFound(t, c, base+"/-/tags/nope", base+"/-/compare/v1.0", base+"/-/compare/nope...v1.0",
		base+"/-/pipelines/999999999", base+"/-/jobs/x", base+"/-/archive/v1.0/x.rar", base+"/-/archive/nope/x.zip",
		base+"/-/snippets/999999999", "/assets/ci_favicons/favicon_status_nope.png")
	icon := c.Get("/assets/ci_favicons/favicon_status_success.png")
	if icon.Status != http.StatusOK || icon.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(icon.Body, "\x89PNG") {
		t.Errorf("favicon: %d %q", icon.Status, icon.Header.Get("Content-Type"))
	}
}

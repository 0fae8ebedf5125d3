package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// webLinkKeys are the keys of the API's answers whose values are web
// paths or URLs of Ferry's pages.
var webLinkKeys = map[string]bool{"web_url": true, "details_path": true, "favicon": true, "tag_path": true,
	"commit_path": true, "edit_url": true, "self": true, "direct_asset_url": true, "url": true}

// TestWebURLs_Content opens every web_url and web path the API answers
// for the fixture's issues, merge requests, milestones, releases (and
// their tags, sources and assets), pipelines, jobs, snippets and a
// compare: each is a page (or, for an asset, the redirect to its link).
func TestWebURLs_Content(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p := webtest.ImportFixture(t, env, "emitted")
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	api := "projects/" + strconv.FormatInt(p.ID, 10)
	var links []string
	for _, path := range []string{api + "/issues", api + "/merge_requests", api + "/merge_requests/8",
		api + "/milestones", api + "/releases", api + "/pipelines", api + "/pipelines/" + firstID(t, env, api+"/pipelines"),
		api + "/jobs", api + "/snippets"} {
		links = append(links, webLinks(t, env, path)...)
	}
	compare, _, err := env.Root.Repositories.Compare(p.ID, &gitlab.CompareOptions{From: gitlab.Ptr("v1.0"), To: gitlab.Ptr("feature/web")})
	if err != nil {
		t.Fatal(err)
	}
	links = append(links, compare.WebURL)
	seen := map[string]bool{}
	kinds := map[string]bool{}
	for _, link := range links {
		path := strings.TrimPrefix(link, env.URL)
		// The fixture's release commits are not in its repository: their
		// commit_path is GitLab's 404 too (commit pages: TestWebURLs).
		if seen[path] || !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "/api/v4/") ||
			strings.Contains(path, "/-/commit/") {
			continue
		}
		seen[path] = true
		resp := c.Get(path)
		switch {
		case strings.Contains(path, "/downloads/"):
			if resp.Status != http.StatusFound {
				t.Errorf("%s answered %d, want a redirect to the asset", path, resp.Status)
			}
		case resp.Status != http.StatusOK:
			t.Errorf("%s answered %d", path, resp.Status)
		}
		for _, kind := range []string{"/-/issues/", "/-/merge_requests/", "/-/milestones/", "/-/releases/", "/-/tags/",
			"/-/archive/", "/-/compare/", "/-/pipelines/", "/-/jobs/", "/-/snippets/", "/assets/ci_favicons/"} {
			if strings.Contains(path, kind) {
				kinds[kind] = true
			}
		}
	}
	for _, kind := range []string{"/-/issues/", "/-/merge_requests/", "/-/milestones/", "/-/releases/", "/-/tags/",
		"/-/archive/", "/-/compare/", "/-/pipelines/", "/-/jobs/", "/assets/ci_favicons/"} {
		if !kinds[kind] {
			t.Errorf("the API emitted no %s link to check", kind)
		}
	}
	if resp := c.Get("/help"); resp.Status != http.StatusOK || !strings.Contains(resp.Body, "Git LFS") {
		t.Errorf("/help: %d", resp.Status)
	}
}

// webLinks are the values of webLinkKeys in the API's answer to path.
func webLinks(t *testing.T, env *servertest.Env, path string) []string {
	t.Helper()
	var v any
	apiGet(t, env, path, &v)
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				if s, ok := val.(string); ok && webLinkKeys[k] {
					out = append(out, s)
				}
				walk(val)
			}
		case []any:
			for _, val := range x {
				walk(val)
			}
		}
	}
	walk(v)
	return out
}

// firstID is the id of the first item the API lists at path.
func firstID(t *testing.T, env *servertest.Env, path string) string {
	t.Helper()
	var list []struct {
		ID json.Number `json:"id"`
	}
	apiGet(t, env, path, &list)
	if len(list) == 0 {
		t.Fatalf("%s lists nothing", path)
	}
	return list[0].ID.String()
}

// apiGet decodes the API's answer to path (under /api/v4) as root.
func apiGet(t *testing.T, env *servertest.Env, path string, v any) {
	t.Helper()
	req, err := env.Root.NewRequest(http.MethodGet, path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Root.Do(req, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

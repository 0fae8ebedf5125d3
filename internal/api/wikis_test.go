package api_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// wikiBundle is a wiki as GitLab exports it: branch master with a home
// page, a nested page and an attachment that is no page.
func wikiBundle(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{"home.md": "# Home\n", "guides/Getting-Started.md": "Start *here*.\n",
		"uploads/logo.png": "\x89PNG"} {
		writeFile(t, dir, name, content, 0o644)
	}
	for _, args := range [][]string{{"init", "-q", "-b", "master"}, {"add", "."}, {"commit", "-q", "-m", "wiki"},
		{"bundle", "create", "-q", "wiki.bundle", "--all"}} {
		if out, err := git(t, dir, args...); err != nil {
			t.Fatalf("git %v: %s", args, out)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "wiki.bundle"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWikis_ImportedWiki imports GitLab's fixture with project.bundle and
// project.wiki.bundle and reads both through the API.
func TestWikis_ImportedWiki(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	bundle, _ := sourceRepo(t)
	protected := `{"name":"feat*","push_access_levels":[{"access_level":30}],"merge_access_levels":[{"access_level":30}]}` + "\n"
	id := importFinished(t, env, fixtureArchive(t, "0.2.4", map[string][]byte{"project.bundle": bundle,
		"project.wiki.bundle": wikiBundle(t), "tree/project/protected_branches.ndjson": []byte(protected),
		"tree/project/protected_tags.ndjson": []byte(`{"name":"v*","create_access_levels":[{"access_level":40}]}` + "\n")}),
		map[string]string{"path": "wikied"})

	pages, _, err := env.Root.Wikis.ListWikis(id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := joined(pages, func(w *gitlab.Wiki) string { return w.Slug + "=" + w.Title + ":" + string(w.Format) + ":" + w.Content }); got != "guides/Getting-Started=Getting Started:markdown:,home=home:markdown:" {
		t.Errorf("pages %s", got)
	}
	full, _, err := env.Root.Wikis.ListWikis(id, &gitlab.ListWikisOptions{WithContent: gitlab.Ptr(true)})
	if err != nil || len(full) != 2 || full[1].Content != "# Home\n" || full[1].Encoding != "UTF-8" {
		t.Errorf("with_content %+v %v", full, err)
	}
	page, _, err := env.Root.Wikis.GetWikiPage(id, "guides/Getting-Started", nil)
	if err != nil || page.Content != "Start *here*.\n" || page.Title != "Getting Started" {
		t.Errorf("page %+v %v", page, err)
	}
	branches, _, err := env.Root.Branches.ListBranches(id, nil)
	if err != nil || joined(branches, func(b *gitlab.Branch) string { return b.Name }) != "feature,master" || !branches[1].Default {
		t.Fatalf("imported branches %v %v", branches, err)
	}
	// feat* is protected for Developers by the import; master, which no
	// imported rule names, for Maintainers by GitLab's default protection
	if b := branches[0]; !b.Protected || !b.DevelopersCanPush || !b.DevelopersCanMerge || !b.CanPush {
		t.Errorf("feature %+v", b)
	}
	if b := branches[1]; !b.Protected || b.DevelopersCanPush || b.DevelopersCanMerge {
		t.Errorf("master %+v", b)
	}
	tag, _, err := env.Root.Tags.GetTag(id, "v1.0")
	if err != nil || tag.Commit.Title != "one" || tag.Target != tag.Commit.ID || !tag.Protected {
		t.Errorf("imported tag %+v %v", tag, err)
	}
	cmp, _, err := env.Root.Repositories.Compare(id, &gitlab.CompareOptions{From: gitlab.Ptr("v1.0"), To: gitlab.Ptr("feature")})
	if err != nil || len(cmp.Commits) != 1 || cmp.Commits[0].Title != "two" || len(cmp.Diffs) != 0 {
		t.Errorf("imported compare %+v %v", cmp, err)
	}
	checkCalls(t, env, []apiCase{
		getCase("/projects/"+itoa(id)+"/wikis/nope", servertest.RootToken, 404, `{"message":"404 Wiki Page Not Found"}`),
		getCase("/projects/"+itoa(id)+"/wikis/home?version=0000000", servertest.RootToken, 404, `{"message":"404 Wiki Page Not Found"}`),
		getCase("/projects/"+itoa(id)+"/wikis", "", 404, `{"message":"404 Project Not Found"}`),
	})
}

func TestWikis_CloneAndPushOverHTTP(t *testing.T) {
	t.Parallel()
	r := setupRoles(t)
	url := r.gitURL("/grp/sub/proj.wiki.git")
	dir := filepath.Join(t.TempDir(), "wiki")
	if out, err := git(t, t.TempDir(), "clone", "-q", url("developer"), dir); err != nil {
		t.Fatalf("clone an empty wiki: %s", out)
	}
	if err := os.WriteFile(filepath.Join(dir, "Hello-World.md"), []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"add", "."}, {"commit", "-q", "-m", "page"}, {"push", "-q", "origin", "HEAD:main"}} {
		if out, err := git(t, dir, args...); err != nil {
			t.Fatalf("git %v: %s", args, out)
		}
	}
	first, _ := git(t, dir, "rev-parse", "HEAD")
	if err := os.WriteFile(filepath.Join(dir, "Hello-World.md"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"commit", "-q", "-am", "edit"}, {"push", "-q", "origin", "HEAD:main"}} {
		if out, err := git(t, dir, args...); err != nil {
			t.Fatalf("git %v: %s", args, out)
		}
	}
	page, _, err := r.clients["guest"].Wikis.GetWikiPage(r.project.ID, "Hello-World", nil)
	if err != nil || page.Title != "Hello World" || page.Content != "hello\n" {
		t.Errorf("pushed page %+v %v", page, err)
	}
	old, _, err := r.clients["guest"].Wikis.GetWikiPage(r.project.ID, "Hello-World", &gitlab.GetWikiPageOptions{Version: gitlab.Ptr(first)})
	if err != nil || old.Content != "hi\n" {
		t.Errorf("page at version %s: %+v %v", first, old, err)
	}
	checkCloneAndPush(t, url, "Hello-World.md", []rolePolicy{
		{"", false, false},
		{"outsider", false, false},
		{"guest", true, false},
		{"reporter", true, false},
		{"developer", true, true},
	})
	status, _, _ := call(t, r.env, http.MethodGet, "/api/v4/projects/"+itoa(r.project.ID)+"/wikis", r.tokens["outsider"], "", "")
	if status != http.StatusNotFound {
		t.Errorf("outsider lists wikis: %d, want 404", status)
	}
	if files := untar(t, exportArchive(t, r.env.Root, r.project.ID)); len(files["./project.wiki.bundle"]) == 0 {
		t.Error("the export lacks the pushed wiki (project.wiki.bundle)")
	}
}

package web_test

import (
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// TestRecordPages reads the fixture's wiki, releases, milestones, labels
// and members, and the 404 of what does not exist.
func TestRecordPages(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p := webtest.ImportFixture(t, env, "records")
	helper, _ := webtest.NewUser(t, env, "helper")
	if _, _, err := env.Root.ProjectMembers.AddProjectMember(p.ID, &gitlab.AddProjectMemberOptions{
		UserID: helper.ID, AccessLevel: gitlab.Ptr(gitlab.DeveloperPermissions)}); err != nil {
		t.Fatal(err)
	}
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	base := "/" + p.PathWithNamespace
	checkPages(t, c, []pageCase{
		{"wiki", base + "/-/wikis", []string{`href="` + base + `/-/wikis/home"`, "guides/setup"}, nil},
		{"wiki page", base + "/-/wikis/home", []string{"<strong>wiki</strong>", "Welcome"}, nil},
		{"nested wiki page", base + "/-/wikis/guides/setup", []string{"<code>ferry serve</code>"}, nil},
		{"releases", base + "/-/releases", []string{"release-1.2", "release-1.0", "Some release notes"}, nil},
		{"release", base + "/-/releases/release-1.1", []string{"release-1.1", base + "/-/archive/release-1.1/records-release-1.1.zip"}, nil},
		{"release edit link", base + "/-/releases/release-1.1/edit", []string{"release-1.1"}, nil},
		{"milestones", base + "/-/milestones?state=all", []string{`data-testid="milestones"`}, nil},
		{"snippets", base + "/-/snippets", []string{`data-testid="snippets"`}, nil},
		{"milestone", base + "/-/milestones/1", []string{"test milestone", `href="` + base + `/-/issues/10"`, "No merge requests."}, nil},
		{"labels", base + "/-/labels", []string{`data-testid="labels"`}, nil},
		{"members", base + "/-/project_members", []string{`href="/helper"`, "Developer", `data-testid="user-mappings"`}, nil},
	})
	checkNotFound(t, c, base+"/-/wikis/nope", base+"/-/releases/nope", base+"/-/milestones/999",
		base+"/-/labels/x", base+"/-/project_members/x", base+"/-/releases/release-1.1/x")
}

package web_test

import (
	"net/http"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// TestGroupContentPages shows a group's labels (its parent's too),
// milestones, boards with their label lists and badges, as the API's
// group endpoints list them, and keeps a private group's pages from
// those who cannot see it.
func TestGroupContentPages(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	top := sourceGroup(t, env, "acme") // label "bug", sub-group "web"
	g, _, err := env.Root.Groups.GetGroup("acme/web", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Root.GroupLabels.CreateGroupLabel(g.ID, &gitlab.CreateGroupLabelOptions{Name: gitlab.Ptr("frontend"),
		Color: gitlab.Ptr("#428bca")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Root.GroupMilestones.CreateGroupMilestone(g.ID, &gitlab.CreateGroupMilestoneOptions{
		Title: gitlab.Ptr("v1.0"), DueDate: gitlab.Ptr(gitlab.ISOTime{})}); err != nil {
		t.Fatal(err)
	}
	board, _, err := env.Root.GroupIssueBoards.CreateGroupIssueBoard(g.ID, &gitlab.CreateGroupIssueBoardOptions{Name: gitlab.Ptr("Sprint")})
	if err != nil {
		t.Fatal(err)
	}
	labels, _, err := env.Root.GroupLabels.ListGroupLabels(top.ID, nil)
	if err != nil || len(labels) != 1 {
		t.Fatalf("labels of acme: %v %v", labels, err)
	}
	if _, _, err := env.Root.GroupIssueBoards.CreateGroupIssueBoardList(g.ID, board.ID, &gitlab.CreateGroupIssueBoardListOptions{
		LabelID: gitlab.Ptr(labels[0].ID)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Root.GroupBadges.AddGroupBadge(g.ID, &gitlab.AddGroupBadgeOptions{Name: gitlab.Ptr("coverage"),
		LinkURL: gitlab.Ptr("https://example.com/cov"), ImageURL: gitlab.Ptr("https://example.com/cov.svg")}); err != nil {
		t.Fatal(err)
	}
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	for _, tt := range []struct{ path, want string }{
		{"/groups/acme/web/-/labels", "<strong>frontend</strong>"},
		{"/groups/acme/web/-/labels", "<strong>bug</strong>"},
		{"/groups/acme/web/-/milestones", "<strong>v1.0</strong>"},
		{"/groups/acme/web/-/boards", "Lists: Open · bug · Closed"},
		{"/groups/acme/web", `href="https://example.com/cov" rel="nofollow noopener">coverage</a>`},
	} {
		if page := c.Get(tt.path); page.Status != http.StatusOK || !strings.Contains(page.Body, tt.want) {
			t.Errorf("GET %s: %d, want %q in %s", tt.path, page.Status, tt.want, page.Body)
		}
	}
	if page := c.Get("/groups/acme/-/labels"); strings.Contains(page.Body, "frontend") {
		t.Errorf("a sub-group's label shows on its parent's page")
	}
	_, token := webtest.NewUser(t, env, "outsider")
	outsider := webtest.NewClient(t, env)
	outsider.SignIn(token)
	for _, path := range []string{"/groups/acme/web/-/labels", "/groups/acme/web/-/milestones", "/groups/acme/web/-/boards"} {
		if page := outsider.Get(path); page.Status != http.StatusNotFound {
			t.Errorf("GET %s as an outsider of the private group: %d", path, page.Status)
		}
	}
}

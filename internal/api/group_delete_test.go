package api_test

import (
	"os"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestGroups_Delete pins DELETE /groups/:id: Owners (directly or through
// an ancestor) and administrators only, 202 Accepted, and the group goes
// with its sub-groups, memberships, projects and repositories.
func TestGroups_Delete(t *testing.T) {
	t.Parallel()
	g := setupGroupTree(t)
	env := g.env
	for name, level := range map[string]gitlab.AccessLevelValue{"dan": gitlab.MaintainerPermissions, "eve": gitlab.OwnerPermissions} {
		u, c, tok := newUser(t, env, name)
		g.clients[name], g.tokens[name] = c, tok
		group := map[string]string{"dan": "priv/sub", "eve": "priv"}[name]
		if _, _, err := env.Root.GroupMembers.AddGroupMember(g.ids[group], &gitlab.AddGroupMemberOptions{
			UserID: gitlab.Ptr(u.ID), AccessLevel: gitlab.Ptr(level)}); err != nil {
			t.Fatal(err)
		}
	}
	projects := map[string]*gitlab.Project{}
	for _, ns := range []string{"priv", "priv/sub/deep", "pub"} {
		p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("code"),
			NamespaceID: gitlab.Ptr(g.ids[ns]), InitializeWithReadme: gitlab.Ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		projects[ns] = p
	}
	accepted := `{"message":"202 Accepted"}`
	checkCalls(t, env, []apiCase{
		{"Anonymous", "DELETE", "/api/v4/groups/pub", "", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"CannotSee", "DELETE", "/api/v4/groups/priv", g.tokens["bob"], "", "", 404, `{"message":"404 Group Not Found"}`},
		{"Missing", "DELETE", "/api/v4/groups/nope", servertest.RootToken, "", "", 404, `{"message":"404 Group Not Found"}`},
		{"Developer", "DELETE", "/api/v4/groups/priv%2Fsub", g.tokens["ann"], "", "", 403, `{"message":"403 Forbidden"}`},
		{"Maintainer", "DELETE", "/api/v4/groups/priv%2Fsub", g.tokens["dan"], "", "", 403, `{"message":"403 Forbidden"}`},
		{"OwnerOfAnotherGroup", "DELETE", "/api/v4/groups/pub", g.tokens["ann"], "", "", 403, `{"message":"403 Forbidden"}`},
		{"Owner", "DELETE", "/api/v4/groups/anns", g.tokens["ann"], "", "", 202, accepted},
		{"OwnerOfAncestor", "DELETE", "/api/v4/groups/" + itoa(g.ids["priv/sub"]), g.tokens["eve"], "", "", 202, accepted},
		{"Admin", "DELETE", "/api/v4/groups/priv", servertest.RootToken, "", "", 202, accepted},
	})
	for _, path := range []string{"anns", "priv", "priv/sub", "priv/sub/deep"} {
		if _, resp, _ := env.Root.Groups.GetGroup(path, nil); statusOf(resp) != 404 {
			t.Errorf("group %s after delete: %d", path, statusOf(resp))
		}
	}
	if _, resp, _ := env.Root.Groups.GetGroup("pub", nil); statusOf(resp) != 200 {
		t.Errorf("an unrelated group after delete: %d", statusOf(resp))
	}
	for ns, p := range projects {
		_, resp, _ := env.Root.Projects.GetProject(p.ID, nil)
		if want := map[bool]int{true: 200, false: 404}[ns == "pub"]; statusOf(resp) != want {
			t.Errorf("project in %s: %d, want %d", ns, statusOf(resp), want)
		}
	}
	// The repositories go in the background, as for DELETE /projects/:id.
	waitRemoved(t, env.Server.Repos.Dir(projects["priv"].ID), env.Server.Repos.Dir(projects["priv/sub/deep"].ID))
	if _, err := os.Stat(env.Server.Repos.Dir(projects["pub"].ID)); err != nil {
		t.Errorf("an unrelated repository: %v", err)
	}
	// The path is free again.
	if _, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Priv"), Path: gitlab.Ptr("priv")}); err != nil {
		t.Errorf("create priv again: %v", err)
	}
}

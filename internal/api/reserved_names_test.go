package api_test

import (
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestReservedNames pins that GitLab's reserved path words are refused
// wherever a path is accepted, with GitLab's message: project words
// (PROJECT_WILDCARD_ROUTES) for projects created, renamed or imported and
// for subgroups, top-level routes (TOP_LEVEL_ROUTES) for top-level groups
// and usernames; a top-level word is fine below the top.
func TestReservedNames(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	root := servertest.RootToken
	form := "application/x-www-form-urlencoded"
	g, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Parent"), Path: gitlab.Ptr("parent")})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("plain")})
	if err != nil {
		t.Fatal(err)
	}
	parent, project := itoa(g.ID), itoa(p.ID)
	checkCalls(t, env, []apiCase{
		{"ProjectTree", "POST", "/api/v4/projects", root, form, "path=tree", 400, `{"message":{"path":["tree is a reserved name"]}}`},
		{"ProjectBlobMixedCase", "POST", "/api/v4/projects", root, form, "name=x&path=Blob", 400, `{"message":{"path":["Blob is a reserved name"]}}`},
		{"ProjectRenameRaw", "PUT", "/api/v4/projects/" + project, root, form, "path=raw", 400, `{"message":{"path":["raw is a reserved name"]}}`},
		{"ProjectRenameEdit", "PUT", "/api/v4/projects/" + project, root, form, "path=edit", 400, `{"message":{"path":["edit is a reserved name"]}}`},
		{"TopGroupImport", "POST", "/api/v4/groups", root, form, "name=i&path=import", 400,
			`{"message":"Failed to save group {:path=>[\"import is a reserved name\"]}"}`},
		{"TopGroupV2", "POST", "/api/v4/groups", root, form, "name=v&path=v2", 400,
			`{"message":"Failed to save group {:path=>[\"v2 is a reserved name\"]}"}`},
		{"TopGroupS", "POST", "/api/v4/groups", root, form, "name=s&path=s", 400,
			`{"message":"Failed to save group {:path=>[\"s is a reserved name\"]}"}`},
		{"TopGroupRobots", "POST", "/api/v4/groups", root, form, "name=r&path=robots.txt", 400,
			`{"message":"Failed to save group {:path=>[\"robots.txt is a reserved name\"]}"}`},
		{"SubgroupNew", "POST", "/api/v4/groups", root, form, "name=n&path=new&parent_id=" + parent, 400,
			`{"message":"Failed to save group {:path=>[\"new is a reserved name\"]}"}`},
		{"UserLogin", "POST", "/api/v4/users", root, form, "email=l@example.com&name=L&username=login&password=0123456789abcdef", 400,
			`{"message":{"username":["login is a reserved name"]}}`},
		{"UserHealthCheck", "POST", "/api/v4/users", root, form, "email=h@example.com&name=H&username=health_check&password=0123456789abcdef", 400,
			`{"message":{"username":["health_check is a reserved name"]}}`},
	})
	status, body := importArchive(t, env, root, "a.tar.gz", []byte("x"), map[string]string{"path": "files"})
	if want := `{"message":"Path files is a reserved name"}`; status != 400 || body != want {
		t.Errorf("import at files: %d %s, want 400 %s", status, body, want)
	}
	// Below the top, a top-level route is a fine path; a project may be
	// called after a top-level route.
	if _, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Profile"),
		Path: gitlab.Ptr("profile"), ParentID: gitlab.Ptr(g.ID)}); err != nil {
		t.Errorf("subgroup profile: %v", err)
	}
	if _, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("snippets")}); err != nil {
		t.Errorf("project snippets: %v", err)
	}
}

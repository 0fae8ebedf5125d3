package api_test

import (
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestUsers_Delete pins DELETE /users/:id: administrators only, 409 for
// the last Owner of a group unless hard_delete, and 204 once the user is
// gone with their personal projects, tokens, memberships and sole-owned
// groups.
func TestUsers_Delete(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	root := servertest.RootToken
	ann, annClient, annToken := newUser(t, env, "ann")
	_, _, bobToken := newUser(t, env, "bob")
	cid, _, _ := newUser(t, env, "cid")
	personal, _, err := annClient.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("mine"),
		InitializeWithReadme: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	anns, _, err := annClient.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Anns"), Path: gitlab.Ptr("anns")})
	if err != nil {
		t.Fatal(err)
	}
	inAnns, _, err := annClient.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("kept-there"),
		NamespaceID: gitlab.Ptr(anns.ID), InitializeWithReadme: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	// ann is also an Owner of a group root owns too, and the only Owner of
	// a sub-group she made in it: the parent's Owner counts, so neither is
	// hers alone.
	shared, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Shared"), Path: gitlab.Ptr("shared")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Root.GroupMembers.AddGroupMember(shared.ID, &gitlab.AddGroupMemberOptions{UserID: gitlab.Ptr(ann.ID),
		AccessLevel: gitlab.Ptr(gitlab.OwnerPermissions)}); err != nil {
		t.Fatal(err)
	}
	sub, _, err := annClient.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Sub"), Path: gitlab.Ptr("sub"),
		ParentID: gitlab.Ptr(shared.ID)})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v4/users/" + itoa(ann.ID)
	checkCalls(t, env, []apiCase{
		{"Anonymous", "DELETE", path, "", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"BadID", "DELETE", "/api/v4/users/ann", bobToken, "", "", 400, `{"error":"id is invalid"}`},
		{"NotAdmin", "DELETE", path, bobToken, "", "", 403, `{"message":"403 Forbidden"}`},
		{"Missing", "DELETE", "/api/v4/users/9999", root, "", "", 404, `{"message":"404 User Not Found"}`},
		{"BadHardDelete", "DELETE", path + "?hard_delete=maybe", root, "", "", 400, `{"error":"hard_delete is invalid"}`},
		{"SoleOwner", "DELETE", path, root, "", "", 409, `{"message":"User cannot be removed while is the sole-owner of a group"}`},
	})
	for _, tt := range []struct{ name, path, token string }{
		{"HardDelete", path + "?hard_delete=true", root},
		{"NoGroups", "/api/v4/users/" + itoa(cid.ID), root},
	} {
		if status, body, _ := call(t, env, "DELETE", tt.path, tt.token, "", ""); status != 204 || body != "" {
			t.Errorf("%s: %d %q, want 204 and no body", tt.name, status, body)
		}
	}
	if status, _, _ := call(t, env, "GET", "/api/v4/user", annToken, "", ""); status != 401 {
		t.Errorf("ann's token after delete: %d, want 401", status)
	}
	for _, c := range []struct {
		what string
		get  func() (*gitlab.Response, error)
		want int
	}{
		{"user", func() (*gitlab.Response, error) {
			_, r, e := env.Root.Users.GetUser(ann.ID, gitlab.GetUsersOptions{})
			return r, e
		}, 404},
		{"personal project", func() (*gitlab.Response, error) {
			_, r, e := env.Root.Projects.GetProject(personal.ID, nil)
			return r, e
		}, 404},
		{"sole-owned group", func() (*gitlab.Response, error) { _, r, e := env.Root.Groups.GetGroup(anns.ID, nil); return r, e }, 404},
		{"its project", func() (*gitlab.Response, error) { _, r, e := env.Root.Projects.GetProject(inAnns.ID, nil); return r, e }, 404},
		{"namespace", func() (*gitlab.Response, error) { _, r, e := env.Root.Namespaces.GetNamespace("ann"); return r, e }, 404},
		{"shared group", func() (*gitlab.Response, error) { _, r, e := env.Root.Groups.GetGroup(shared.ID, nil); return r, e }, 200},
		{"shared sub-group", func() (*gitlab.Response, error) { _, r, e := env.Root.Groups.GetGroup(sub.ID, nil); return r, e }, 200},
	} {
		if resp, _ := c.get(); statusOf(resp) != c.want {
			t.Errorf("%s after delete: %d, want %d", c.what, statusOf(resp), c.want)
		}
	}
	members, _, err := env.Root.Groups.ListGroupMembers(shared.ID, nil)
	if err != nil || len(members) != 1 || members[0].Username != "root" {
		t.Errorf("shared group members after delete: %v %v", members, err)
	}
	waitRemoved(t, env.Server.Repos.Dir(personal.ID), env.Server.Repos.Dir(inAnns.ID))
	newUser(t, env, "ann") // the username and the namespace path are free again
}

// TestUsers_DeleteSelf pins that an administrator may delete themselves,
// as in GitLab.
func TestUsers_DeleteSelf(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	admin, _, err := env.Root.Users.CreateUser(&gitlab.CreateUserOptions{Email: gitlab.Ptr("boss@example.com"),
		Name: gitlab.Ptr("Boss"), Username: gitlab.Ptr("boss"), Admin: gitlab.Ptr(true), ForceRandomPassword: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := env.Root.Users.CreatePersonalAccessToken(admin.ID, &gitlab.CreatePersonalAccessTokenOptions{
		Name: gitlab.Ptr("t"), Scopes: &[]string{"api"}})
	if err != nil {
		t.Fatal(err)
	}
	if status, body, _ := call(t, env, "DELETE", "/api/v4/users/"+itoa(admin.ID), tok.Token, "", ""); status != 204 {
		t.Fatalf("delete self: %d %s", status, body)
	}
	if status, _, _ := call(t, env, "GET", "/api/v4/user", tok.Token, "", ""); status != 401 {
		t.Errorf("token after deleting self: %d, want 401", status)
	}
}

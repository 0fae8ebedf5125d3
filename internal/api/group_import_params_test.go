package api_test

import (
	"bytes"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestGroupImport_Validation pins POST /groups/import's answers, in
// GitLab's order of checks: authentication, parameters, the right to
// create the group (parent visible, Maintainer or above on it), the rate
// limit, the file name, then the group's own validation.
func TestGroupImport_Validation(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{GroupImportLimit: gitlab.Ptr(int64(0))})
	dev, _, devToken := newUser(t, env, "developer")
	maint, _, maintToken := newUser(t, env, "maintainer")
	parent, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("parent"), Path: gitlab.Ptr("parent")})
	if err != nil {
		t.Fatal(err)
	}
	for u, level := range map[int64]gitlab.AccessLevelValue{dev.ID: gitlab.DeveloperPermissions, maint.ID: gitlab.MaintainerPermissions} {
		if _, _, err := env.Root.GroupMembers.AddGroupMember(parent.ID, &gitlab.AddGroupMemberOptions{UserID: gitlab.Ptr(u), AccessLevel: gitlab.Ptr(level)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("taken"), Path: gitlab.Ptr("taken")}); err != nil {
		t.Fatal(err)
	}
	data := groupArchive(t, exportTree(t, "child_short_name"))
	pid := itoa(parent.ID)
	for _, tt := range []struct {
		name, token, filename string
		fields                map[string]string
		status                int
		body                  string
	}{
		{"Unauthenticated", "", "g.tar.gz", map[string]string{"path": "a1", "name": "a1"}, 401, `{"message":"401 Unauthorized"}`},
		{"NameMissing", servertest.RootToken, "g.tar.gz", map[string]string{"path": "a2"}, 400, `{"error":"name is missing"}`},
		{"ParentInvalid", servertest.RootToken, "g.tar.gz", map[string]string{"path": "a3", "name": "a3", "parent_id": "x"}, 400, `{"error":"parent_id is invalid"}`},
		{"ParentNotFound", servertest.RootToken, "g.tar.gz", map[string]string{"path": "a4", "name": "a4", "parent_id": "99999"}, 404, `{"message":"404 Group Not Found"}`},
		{"ParentDeveloper", devToken, "g.tar.gz", map[string]string{"path": "a5", "name": "a5", "parent_id": pid}, 403, `{"message":"403 Forbidden"}`},
		{"ParentMaintainer", maintToken, "g.tar.gz", map[string]string{"path": "a6", "name": "a6", "parent_id": pid}, 202, `{"message":"202 Accepted"}`},
		{"TopLevelUser", devToken, "g.tar.gz", map[string]string{"path": "a7", "name": "a7"}, 202, `{"message":"202 Accepted"}`},
		{"NotGz", servertest.RootToken, "g.zip", map[string]string{"path": "a8", "name": "a8"}, 422,
			`{"message":{"error":"You need to upload a GitLab project export archive (ending in .gz)."}}`},
		{"PathTaken", servertest.RootToken, "g.tar.gz", map[string]string{"path": "taken", "name": "taken"}, 400,
			`{"message":"Failed to save group {:path=>[\"has already been taken\"]}"}`},
		{"PathInvalid", servertest.RootToken, "g.tar.gz", map[string]string{"path": "-bad", "name": "bad"}, 400,
			`{"message":"Failed to save group {:path=>[\"must not start or end with a special character and must not contain consecutive special characters.\"]}"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := postArchive(t, env, "/api/v4/groups/import", tt.token, tt.filename, data, tt.fields)
			if status != tt.status || body != tt.body {
				t.Errorf("%d %s, want %d %s", status, body, tt.status, tt.body)
			}
		})
	}
}

// TestGroupImport_RateLimit pins group_import_limit: per user and minute,
// GitLab's 429 with Retry-After, before the file name is checked.
func TestGroupImport_RateLimit(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{GroupImportLimit: gitlab.Ptr(int64(1))})
	_, _, token := newUser(t, env, "limited")
	data := []byte("not checked")
	if status, body := postArchive(t, env, "/api/v4/groups/import", token, "g.zip", data, map[string]string{"path": "r1", "name": "r1"}); status != 422 {
		t.Fatalf("first: %d %s", status, body)
	}
	status, body := postArchive(t, env, "/api/v4/groups/import", token, "g.zip", data, map[string]string{"path": "r2", "name": "r2"})
	if want := `{"message":{"error":"This endpoint has been requested too many times. Try again later."}}`; status != 429 || body != want {
		t.Errorf("second: %d %s, want 429 %s", status, body, want)
	}
	if status, _ := postArchive(t, env, "/api/v4/groups/import", servertest.RootToken, "g.zip", data, map[string]string{"path": "r3", "name": "r3"}); status != 422 {
		t.Errorf("another user: %d, want 422 (limited per user)", status)
	}
}

// TestGroupImport_Status pins GET /ferry/groups/:id/import: Owners and
// administrators only, 404 for a group that was not imported.
func TestGroupImport_Status(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	_, _, ownerToken := newUser(t, env, "owner")
	_, _, otherToken := newUser(t, env, "other")
	if status, body := importGroup(t, env, ownerToken, groupArchive(t, exportTree(t, "child_short_name")),
		map[string]string{"path": "mine", "name": "Mine"}); status != 202 {
		t.Fatalf("%d %s", status, body)
	}
	g, _, err := env.Root.Groups.GetGroup("mine", nil)
	if err != nil {
		t.Fatal(err)
	}
	plain, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("plain"), Path: gitlab.Ptr("plain"),
		Visibility: gitlab.Ptr(gitlab.PublicVisibility)})
	if err != nil {
		t.Fatal(err)
	}
	waitGroupImport(t, env, g.ID)
	for _, tt := range []struct {
		name, path, token string
		status            int
	}{
		{"Owner", "/api/v4/ferry/groups/mine/import", ownerToken, 200},
		{"Admin", "/api/v4/ferry/groups/" + itoa(g.ID) + "/import", servertest.RootToken, 200},
		{"Stranger", "/api/v4/ferry/groups/mine/import", otherToken, 404},
		{"NotImported", "/api/v4/ferry/groups/" + itoa(plain.ID) + "/import", servertest.RootToken, 404},
		{"NotOwner", "/api/v4/ferry/groups/" + itoa(plain.ID) + "/import", otherToken, 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if status, body, _ := call(t, env, "GET", tt.path, tt.token, "", ""); status != tt.status {
				t.Errorf("%d %s, want %d", status, body, tt.status)
			}
		})
	}
}

// TestGroupImport_NonAdminMembers pins GitLab's MembersMapper for a user
// who is not an administrator: no archive member is mapped, the importer
// is the group's only member (its Owner), and so of each sub-group.
func TestGroupImport_NonAdminMembers(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	newUserWithEmail(t, env, "adriene", "adriene.mcclure@gitlabexample.com")
	user, _, token := newUser(t, env, "importer")
	if status, body := importGroup(t, env, token, groupArchive(t, exportTree(t, "complex")),
		map[string]string{"path": "nonadmin", "name": "Nonadmin"}); status != 202 {
		t.Fatalf("%d %s", status, body)
	}
	g, _, err := env.Root.Groups.GetGroup("nonadmin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := waitGroupImport(t, env, g.ID); st.ImportStatus != "finished" || st.Stats["members"] != 0 {
		t.Fatalf("import %s %v", st.ImportStatus, st.Stats)
	}
	groups := []int64{g.ID}
	for _, c := range subgroups(t, env, g.ID) {
		groups = append(groups, c.ID)
	}
	for _, id := range groups {
		members, err := env.Server.DB.Members(t.Context(), ferry.MemberOfNamespace, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(members) != 1 || members[0].User.ID != user.ID || members[0].AccessLevel != ferry.Owner {
			t.Errorf("group %d members %+v, want the importer as Owner", id, members)
		}
	}
}

// TestGroupImport_TooLarge pins max_import_size: a larger upload is cut
// off with Workhorse's 413 and no group is created.
func TestGroupImport_TooLarge(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{MaxImportSize: gitlab.Ptr(int64(1))})
	status, body := postArchive(t, env, "/api/v4/groups/import", servertest.RootToken, "g.tar.gz",
		bytes.Repeat([]byte("x"), 2<<20), map[string]string{"path": "big", "name": "big"})
	if status != 413 || body != "Request Entity Too Large" {
		t.Errorf("%d %s, want 413", status, body)
	}
	if _, resp, _ := env.Root.Groups.GetGroup("big", nil); statusOf(resp) != 404 {
		t.Errorf("the group was created: %d", statusOf(resp))
	}
}

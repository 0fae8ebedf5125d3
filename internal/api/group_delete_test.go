package api_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/riverqueue/river"
	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/removal"
	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/store"
)

// TestGroups_Delete pins DELETE /groups/:id as GitLab 18: Owners
// (directly or through an ancestor) and administrators only; a first
// DELETE marks the group for deletion and renames it (202), a second one
// is refused (400), permanently_remove with the exact full_path removes a
// marked sub-group at once with its sub-groups, memberships, projects and
// repositories, in GitLab's order of checks and words.
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
	sub := "/api/v4/groups/" + itoa(g.ids["priv/sub"])
	marked := "priv/sub-deletion_scheduled-" + itoa(g.ids["priv/sub"])
	checkCalls(t, env, []apiCase{
		{"Anonymous", "DELETE", "/api/v4/groups/pub", "", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"CannotSee", "DELETE", "/api/v4/groups/priv", g.tokens["bob"], "", "", 404, `{"message":"404 Group Not Found"}`},
		{"Missing", "DELETE", "/api/v4/groups/nope", servertest.RootToken, "", "", 404, `{"message":"404 Group Not Found"}`},
		{"Developer", "DELETE", "/api/v4/groups/priv%2Fsub", g.tokens["ann"], "", "", 403, `{"message":"403 Forbidden"}`},
		{"Maintainer", "DELETE", "/api/v4/groups/priv%2Fsub", g.tokens["dan"], "", "", 403, `{"message":"403 Forbidden"}`},
		{"OwnerOfAnotherGroup", "DELETE", "/api/v4/groups/pub", g.tokens["ann"], "", "", 403, `{"message":"403 Forbidden"}`},
		{"PermanentlyTopLevel", "DELETE", "/api/v4/groups/priv?permanently_remove=true&full_path=priv", servertest.RootToken, "", "",
			400, `{"message":"` + "`permanently_remove` option is only available for subgroups." + `"}`},
		{"PermanentlyNotMarked", "DELETE", sub + "?permanently_remove=true&full_path=priv/sub", g.tokens["eve"], "", "",
			400, `{"message":"Group must be marked for deletion first."}`},
		{"Owner", "DELETE", "/api/v4/groups/anns", g.tokens["ann"], "", "", 202, accepted},
		{"OwnerOfAncestor", "DELETE", sub, g.tokens["eve"], "", "", 202, accepted},
		{"AlreadyMarked", "DELETE", sub, g.tokens["eve"], "", "", 400, `{"message":"Group has been already marked for deletion"}`},
		{"NotBooleanIsFalse", "DELETE", sub + "?permanently_remove=something_random", g.tokens["eve"], "", "",
			400, `{"message":"Group has been already marked for deletion"}`},
		{"NoFullPath", "DELETE", sub + "?permanently_remove=true", g.tokens["eve"], "", "",
			400, `{"message":"` + "`full_path` is incorrect. You must enter the complete path for the subgroup." + `"}`},
		{"OldFullPath", "DELETE", sub + "?permanently_remove=true&full_path=priv/sub", g.tokens["eve"], "", "",
			400, `{"message":"` + "`full_path` is incorrect. You must enter the complete path for the subgroup." + `"}`},
		{"Permanently", "DELETE", sub + "?permanently_remove=true&full_path=" + marked, g.tokens["eve"], "", "", 202, accepted},
		{"Admin", "DELETE", "/api/v4/groups/priv", servertest.RootToken, "", "", 202, accepted},
	})
	// A marked group keeps its content under its new name and path; the
	// old path is free at once.
	anns, _, err := env.Root.Groups.GetGroup(g.ids["anns"], nil)
	if err != nil || anns.Path != "anns-deletion_scheduled-"+itoa(g.ids["anns"]) ||
		anns.Name != "Anns-deletion_scheduled-"+itoa(g.ids["anns"]) || anns.MarkedForDeletionOn == nil ||
		time.Time(*anns.MarkedForDeletionOn).Format(time.DateOnly) != time.Now().UTC().Format(time.DateOnly) {
		t.Fatalf("marked group %+v %v", anns, err)
	}
	if _, resp, _ := env.Root.Groups.GetGroup("anns", nil); statusOf(resp) != 404 {
		t.Errorf("old path after marking: %d", statusOf(resp))
	}
	// permanently_remove took the sub-group, its sub-group and project now.
	for _, id := range []int64{g.ids["priv/sub"], g.ids["priv/sub/deep"]} {
		if _, resp, _ := env.Root.Groups.GetGroup(id, nil); statusOf(resp) != 404 {
			t.Errorf("group %d after permanent removal: %d", id, statusOf(resp))
		}
	}
	waitRemoved(t, env.Server.Repos.Dir(projects["priv/sub/deep"].ID))
	// priv is only marked: its project stays until the retention ends.
	if _, resp, _ := env.Root.Projects.GetProject(projects["priv"].ID, nil); statusOf(resp) != 200 {
		t.Errorf("project of a marked group: %d", statusOf(resp))
	}
	if p, _, err := env.Root.Projects.GetProject(projects["priv"].ID, nil); err != nil ||
		p.PathWithNamespace != "priv-deletion_scheduled-"+itoa(g.ids["priv"])+"/code" {
		t.Errorf("project of a marked group %v %v", p, err)
	}
	if _, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Priv"), Path: gitlab.Ptr("priv")}); err != nil {
		t.Errorf("create priv again: %v", err)
	}
	checkPurge(t, env, g.ids["priv"], projects["priv"].ID, projects["pub"].ID)
}

// checkPurge runs the adjourned deletion as it would run after
// deletion_adjourned_period (7) days: the marked group goes with its
// projects and repositories, other groups stay.
func checkPurge(t *testing.T, env *servertest.Env, group, project, unrelated int64) {
	t.Helper()
	w := &removal.PurgeWorker{DB: env.Server.DB, Blobs: env.Server.Blobs, Logger: discardLogger(),
		Enqueue: func(ctx context.Context, tx *store.Tx, args river.JobArgs) error {
			_, err := env.Server.Jobs.InsertTx(ctx, tx, args, nil)
			return err
		}}
	for _, days := range []time.Duration{6, 8} {
		w.Now = func() time.Time { return time.Now().Add(days * 24 * time.Hour) }
		if err := w.Work(context.Background(), &river.Job[removal.PurgeArgs]{}); err != nil {
			t.Fatal(err)
		}
		_, resp, _ := env.Root.Groups.GetGroup(group, nil)
		if want := map[time.Duration]int{6: 200, 8: 404}[days]; statusOf(resp) != want {
			t.Errorf("marked group after %d days: %d, want %d", days, statusOf(resp), want)
		}
	}
	waitRemoved(t, env.Server.Repos.Dir(project))
	if _, err := os.Stat(env.Server.Repos.Dir(unrelated)); err != nil {
		t.Errorf("an unrelated repository: %v", err)
	}
}

// TestGroups_Restore pins POST /groups/:id/restore: an Owner takes back a
// marked group with its name and path (201); a group not marked is 400.
func TestGroups_Restore(t *testing.T) {
	t.Parallel()
	g := setupGroupTree(t)
	env := g.env
	anns := "/api/v4/groups/" + itoa(g.ids["anns"])
	checkCalls(t, env, []apiCase{
		{"NotMarked", "POST", anns + "/restore", g.tokens["ann"], "", "", 400, `{"message":"Group has not been marked for deletion"}`},
		{"Mark", "DELETE", anns, g.tokens["ann"], "", "", 202, `{"message":"202 Accepted"}`},
		{"NotOwner", "POST", anns + "/restore", g.tokens["bob"], "", "", 404, `{"message":"404 Group Not Found"}`},
	})
	status, body, _ := call(t, env, "POST", anns+"/restore", g.tokens["ann"], "", "")
	if m := decode(t, body); status != 201 || m["path"] != "anns" || m["name"] != "Anns" || m["full_path"] != "anns" ||
		m["marked_for_deletion_on"] != nil {
		t.Errorf("restore: %d %s", status, body)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

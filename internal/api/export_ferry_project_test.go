package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// ferryProject creates a project in a group in Ferry (not imported), with
// a README on branch trunk, a Developer, and a wiki with one page, and
// returns its id.
func ferryProject(t *testing.T, env *servertest.Env) int64 {
	t.Helper()
	g, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Team"), Path: gitlab.Ptr("team"),
		Visibility: gitlab.Ptr(gitlab.InternalVisibility)})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Name: gitlab.Ptr("Made Here"),
		NamespaceID: gitlab.Ptr(g.ID), Description: gitlab.Ptr("made in Ferry"), DefaultBranch: gitlab.Ptr("trunk"),
		InitializeWithReadme: gitlab.Ptr(true), Visibility: gitlab.Ptr(gitlab.InternalVisibility)})
	if err != nil {
		t.Fatal(err)
	}
	dev, _, _ := newUser(t, env, "dev")
	if _, _, err := env.Root.ProjectMembers.AddProjectMember(p.ID, &gitlab.AddProjectMemberOptions{
		UserID: gitlab.Ptr(dev.ID), AccessLevel: gitlab.Ptr(gitlab.DeveloperPermissions)}); err != nil {
		t.Fatal(err)
	}
	work, wiki := t.TempDir(), env.Server.Repos.WikiDir(int64(p.ID))
	for _, args := range [][]string{{"init", "-q", "--bare", wiki}, {"init", "-q", "-b", "main", work},
		{"-C", work, "commit", "-q", "--allow-empty", "-m", "home"}, {"-C", work, "push", "-q", wiki, "main"}} {
		if out, err := git(t, ".", args...); err != nil {
			t.Fatalf("git %v: %s", args, out)
		}
	}
	return int64(p.ID)
}

func refsOf(t *testing.T, gitDir string) string {
	t.Helper()
	out, err := git(t, ".", "--git-dir="+gitDir, "for-each-ref", "--format=%(objectname) %(refname)")
	if err != nil || out == "" {
		t.Fatalf("refs of %s: %v %s", gitDir, err, out)
	}
	return out
}

// TestProjectExport_FerryProject pins that a project made in Ferry exports
// as GitLab would export a new project (GitLab's project attributes and
// defaults, project_feature, ci_cd_settings, project_members, repository
// and wiki bundles, only keys GitLab writes) and that the archive imports.
func TestProjectExport_FerryProject(t *testing.T) {
	t.Parallel()
	env := startUnlimited(t)
	id := ferryProject(t, env)
	data := exportArchive(t, env.Root, id)
	files := untar(t, data)
	for _, name := range []string{"./VERSION", "./tree/project.json", "./tree/project/project_members.ndjson",
		"./tree/project/project_feature.ndjson", "./tree/project/ci_cd_settings.ndjson", "./project.bundle",
		"./project.wiki.bundle", "./snippets/"} {
		if _, ok := files[name]; !ok {
			t.Errorf("the export lacks %s", name)
		}
	}
	records := relationFiles(t, files)
	var attrs map[string]any
	if err := json.Unmarshal(files["./tree/project.json"], &attrs); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"name": "Made Here", "description": "made in Ferry", "visibility_level": 10.0,
		"default_branch": "trunk", "archived": false, "merge_requests_ff_only_enabled": false,
		"merge_requests_rebase_enabled": false, "only_allow_merge_if_pipeline_succeeds": false,
		"remove_source_branch_after_merge": true, "squash_option": "default_off", "shared_runners_enabled": true,
		"build_timeout": 3600.0, "request_access_enabled": true} {
		if attrs[k] != want {
			t.Errorf("project.json %s = %v, want %v", k, attrs[k], want)
		}
	}
	features := records["project_feature"]
	if len(features) != 1 || features[0]["issues_access_level"] != 20.0 || features[0]["repository_access_level"] != 20.0 ||
		features[0]["merge_requests_access_level"] != 20.0 || features[0]["pages_access_level"] != 10.0 {
		t.Errorf("project_feature %v", features)
	}
	if cicd := records["ci_cd_settings"]; len(cicd) != 1 || cicd[0]["default_git_depth"] != 20.0 {
		t.Errorf("ci_cd_settings %v", cicd)
	}
	levels := map[string]any{}
	for _, m := range records["project_members"] {
		user, _ := m["user"].(map[string]any)
		levels[user["username"].(string)] = m["access_level"]
	}
	if levels["root"] != 50.0 || levels["dev"] != 30.0 {
		t.Errorf("project_members %v", levels)
	}

	status, body := importArchive(t, env, servertest.RootToken, "made.tar.gz", data, map[string]string{"path": "again"})
	if status != 201 {
		t.Fatalf("import: %d %s", status, body)
	}
	again := projectID(t, body)
	if st := waitImport(t, env, servertest.RootToken, again); st.ImportStatus != "finished" || len(st.FailedRelations) != 0 {
		t.Fatalf("import of Ferry's export: %s %+v %v", st.ImportStatus, st.FailedRelations, deref(st.ImportError))
	}
	p, _, err := env.Root.Projects.GetProject(int(again), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Description != "made in Ferry" || p.Visibility != gitlab.InternalVisibility || p.DefaultBranch != "trunk" {
		t.Errorf("imported project %q %s %q", p.Description, p.Visibility, p.DefaultBranch)
	}
	repos := env.Server.Repos
	if refsOf(t, repos.Dir(again)) != refsOf(t, repos.Dir(id)) || refsOf(t, repos.WikiDir(again)) != refsOf(t, repos.WikiDir(id)) {
		t.Error("repository or wiki changed in the round trip")
	}
	stored := storedRelations(t, env, again)
	if f := strings.Join(stored["project_feature"], ""); !strings.Contains(f, `"issues_access_level":20`) {
		t.Errorf("stored project_feature %s", f)
	}
}

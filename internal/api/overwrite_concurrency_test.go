package api_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// overwriteEnv is a server without the import rate limit, holding the
// project root/target ("Target") and root/other ("Other Name").
func overwriteEnv(t *testing.T) *servertest.Env {
	t.Helper()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0))})
	for _, p := range [][2]string{{"Target", "target"}, {"Other Name", "other"}} {
		if _, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Name: gitlab.Ptr(p[0]), Path: gitlab.Ptr(p[1])}); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

// rootProjects lists root's projects whose path contains search.
func rootProjects(t *testing.T, env *servertest.Env, search string) []*gitlab.Project {
	t.Helper()
	list, _, err := env.Root.Projects.ListProjects(&gitlab.ListProjectsOptions{Search: gitlab.Ptr(search),
		ListOptions: gitlab.ListOptions{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestProjectImport_OverwriteClashesAnswerAtOnce pins that a name or path
// the imported project could not bear is refused by the request, with
// GitLab's 400 and first message, before any import runs: an overwrite
// frees only the replaced project's name and path.
func TestProjectImport_OverwriteClashesAnswerAtOnce(t *testing.T) {
	t.Parallel()
	env := overwriteEnv(t)
	archive := fixtureArchive(t, "0.2.4", nil)
	for _, tt := range []struct {
		name   string
		fields map[string]string
		want   string
	}{
		{"OverwriteTakesAnotherName", map[string]string{"path": "target", "name": "other name", "overwrite": "true"},
			`{"message":"Name has already been taken"}`},
		{"NoOverwrite", map[string]string{"path": "target", "name": "New"},
			`{"message":"Path has already been taken"}`},
		{"OverwriteBadName", map[string]string{"path": "target", "name": "-bad", "overwrite": "true"},
			`{"message":"Name can contain only letters, digits, emoji, '_', '.', '+', dashes, or spaces. It must start with a letter, digit, emoji, or '_'."}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := importArchive(t, env, servertest.RootToken, "a.tar.gz", archive, tt.fields)
			if status != 400 || body != tt.want {
				t.Errorf("got %d %s, want 400 %s", status, body, tt.want)
			}
		})
	}
	if got := rootProjects(t, env, "target"); len(got) != 1 {
		t.Errorf("refused imports left projects: %d match target", len(got))
	}
	// Its own name is free for the project replacing it, in any case.
	id := importFinished(t, env, archive, map[string]string{"path": "target", "name": "TARGET", "overwrite": "true"})
	if p, _, err := env.Root.Projects.GetProject("root/target", nil); err != nil || int64(p.ID) != id || p.Name != "TARGET" {
		t.Errorf("root/target after the overwrite: %+v %v, want project %d named TARGET", p, err, id)
	}
}

// TestProjectImport_ConcurrentOverwrites runs three overwriting imports of
// one path at once: each finishing import replaces whatever holds the
// path then, so the last to finish wins, none is re-run or fails, and
// exactly one project is left at the path with no <path>-<suffix> behind.
func TestProjectImport_ConcurrentOverwrites(t *testing.T) {
	t.Parallel()
	env := overwriteEnv(t)
	archive := fixtureArchive(t, "0.2.4", nil)
	ids := make([]int64, 3)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			status, body := importArchive(t, env, servertest.RootToken, "a.tar.gz", archive,
				map[string]string{"path": "target", "overwrite": "true"})
			if status != 201 {
				t.Errorf("import %d: %d %s", i, status, body)
				return
			}
			ids[i] = projectID(t, body)
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	final, _, err := env.Root.Projects.GetProject("root/target", nil)
	for range 2400 { // until the last one is in place
		left := 0
		for _, id := range ids {
			if status, _, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(id), servertest.RootToken, "", ""); status != 404 {
				left++
			}
		}
		if final, _, err = env.Root.Projects.GetProject("root/target", nil); left == 1 && err == nil && final.ImportStatus == "finished" {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ids, int64(final.ID)) || final.ImportStatus != "finished" {
		t.Errorf("root/target is project %d (import %s), want one of %v, finished", final.ID, final.ImportStatus, ids)
	}
	for _, id := range ids {
		status, body, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(id)+"/import", servertest.RootToken, "", "")
		if want := map[bool]int{true: 200, false: 404}[id == int64(final.ID)]; status != want {
			t.Errorf("import of %d: %d %s, want %d", id, status, body, want)
		}
	}
	for _, p := range rootProjects(t, env, "target") {
		if p.ID != final.ID {
			t.Errorf("project %s (%d) was left behind", p.PathWithNamespace, p.ID)
		}
	}
}

// TestProjectImport_OverwriteLongNames pins that projects whose name and
// path have GitLab's maximum of 255 characters can be overwritten: the
// temporary name and path are cut to fit (a cut path never ends in a
// special character before the suffix's dash).
func TestProjectImport_OverwriteLongNames(t *testing.T) {
	t.Parallel()
	env := overwriteEnv(t)
	for _, tt := range []struct{ name, path string }{
		{strings.Repeat("n", 255), strings.Repeat("p", 255)},
		{strings.Repeat("é", 127), strings.Repeat("a-", 127) + "a"}, // 254 bytes of name; the cut path ends in '-'
	} {
		p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Name: gitlab.Ptr(tt.name), Path: gitlab.Ptr(tt.path)})
		if err != nil {
			t.Fatalf("create the %d-character project: %v", len(tt.path), err)
		}
		id := importFinished(t, env, fixtureArchive(t, "0.2.4", nil),
			map[string]string{"path": tt.path, "name": tt.name, "overwrite": "true"})
		got, _, err := env.Root.Projects.GetProject("root/"+tt.path, nil)
		if err != nil || int64(got.ID) != id || got.Name != tt.name || id == int64(p.ID) {
			t.Errorf("after the overwrite root/%s… is %d %q (%v), want the new project %d", tt.path[:10], got.ID, got.Name, err, id)
		}
	}
}

// TestProjectImport_FailedOverwriteLeavesNothing pins that an overwriting
// import that fails for good (a broken bundle) removes its temporary
// project and leaves the old one as it was.
func TestProjectImport_FailedOverwriteLeavesNothing(t *testing.T) {
	t.Parallel()
	env := overwriteEnv(t)
	old, _, err := env.Root.Projects.GetProject("root/target", nil)
	if err != nil {
		t.Fatal(err)
	}
	status, body := importArchive(t, env, servertest.RootToken, "a.tar.gz",
		fixtureArchive(t, "0.2.4", map[string][]byte{"project.bundle": []byte("not a bundle")}),
		map[string]string{"path": "target", "overwrite": "true"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	waitProjectGone(t, env, projectID(t, body))
	wantDroppedImport(t, env, servertest.RootToken, "", projectID(t, body), "")
	if got := rootProjects(t, env, "target"); len(got) != 1 || got[0].ID != old.ID {
		t.Errorf("after the failed overwrite: %v, want only the old project %d", joined(got, func(p *gitlab.Project) string { return p.Path }), old.ID)
	}
}

package api_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestProjectImport_HostileBundles pins that nothing at a bundle's path
// can make git copy another repository: a "gitdir:" file (relative or
// absolute) or a directory with a commondir file, at the place of every
// kind of bundle, fails the import with GitLab's "Invalid bundle file" and
// leaves the importer's project without a single ref.
func TestProjectImport_HostileBundles(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0))})
	victim, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Name: gitlab.Ptr("secret"),
		Visibility: gitlab.Ptr(gitlab.PrivateVisibility), InitializeWithReadme: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	victimRepo := env.Server.Repos.Dir(int64(victim.ID))
	relative := "../../../repositories/" + filepath.Base(victimRepo)
	_, _, token := newUser(t, env, "mallory")

	tricks := map[string]func(at string) map[string][]byte{
		"GitfileRelative": func(at string) map[string][]byte {
			return map[string][]byte{at: []byte("gitdir: " + relative + "\n")}
		},
		"GitfileAbsolute": func(at string) map[string][]byte {
			return map[string][]byte{at: []byte("gitdir: " + victimRepo + "\n")}
		},
		"CommondirDirectory": func(at string) map[string][]byte {
			return map[string][]byte{at + "/commondir": []byte(victimRepo + "\n"),
				at + "/HEAD": []byte("ref: refs/heads/main\n"), at + "/refs/.keep": nil, at + "/objects/.keep": nil}
		},
	}
	for _, at := range []string{"project.bundle", "project.wiki.bundle", "project.design.bundle", "snippets/1.bundle"} {
		for name, trick := range tricks {
			t.Run(strings.TrimSuffix(strings.ReplaceAll(at, "/", "_"), ".bundle")+"/"+name, func(t *testing.T) {
				path := strings.ToLower(strings.NewReplacer(".", "-", "/", "-").Replace(at) + "-" + name)
				status, body := importArchive(t, env, token, "a.tar.gz", fixtureArchive(t, "0.2.4", trick(at)),
					map[string]string{"path": path})
				if status != 201 {
					t.Fatalf("%d %s", status, body)
				}
				id := projectID(t, body)
				st := waitImport(t, env, token, id)
				if st.ImportStatus != "failed" || !strings.Contains(deref(st.ImportError), "Invalid bundle file") {
					t.Errorf("status %s error %q, want failed with Invalid bundle file", st.ImportStatus, deref(st.ImportError))
				}
				for _, dir := range []string{env.Server.Repos.Dir(id), env.Server.Repos.WikiDir(id)} {
					if refs, _ := git(t, dir, "--git-dir="+dir, "for-each-ref"); strings.TrimSpace(refs) != "" {
						t.Errorf("%s holds refs after a refused bundle:\n%s", dir, refs)
					}
				}
				if left, _ := filepath.Glob(filepath.Join(env.DataDir, "blobs", blob.ExtraPrefix(id), "*")); len(left) != 0 {
					t.Errorf("files kept from a refused import: %v", left)
				}
			})
		}
	}
	if _, err := os.Stat(filepath.Join(victimRepo, "HEAD")); err != nil {
		t.Errorf("the victim's repository was harmed: %v", err)
	}
}

package api_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestProjectExport_StoredMemberEmails pins that the private emails an
// administrator's import keeps in project_members (to map users by) reach
// an administrator's export only, never a Maintainer's.
func TestProjectExport_StoredMemberEmails(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0)),
		ProjectExportLimit: gitlab.Ptr(int64(0)), ProjectDownloadExportLimit: gitlab.Ptr(int64(0))})
	members, err := os.ReadFile(filepath.Join(fixtureDir(t), "tree", "project", "project_members.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	const private = "private-address@corp.example"
	withEmails := bytes.ReplaceAll(members, []byte(`"user":{`), []byte(`"user":{"email":"`+private+`",`))
	id := importFinished(t, env, fixtureArchive(t, "0.2.4", map[string][]byte{"tree/project/project_members.ndjson": withEmails}),
		map[string]string{"path": "kept"})
	maintainer, c, _ := newUser(t, env, "keeper")
	if _, _, err := env.Root.ProjectMembers.AddProjectMember(int(id), &gitlab.AddProjectMemberOptions{
		UserID: gitlab.Ptr(maintainer.ID), AccessLevel: gitlab.Ptr(gitlab.MaintainerPermissions)}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		who       string
		client    *gitlab.Client
		wantEmail bool
	}{{"maintainer", c, false}, {"root", env.Root, true}} {
		t.Run(tt.who, func(t *testing.T) {
			if _, err := tt.client.ProjectImportExport.ScheduleExport(int(id), nil); err != nil {
				t.Fatal(err)
			}
			waitExport(t, tt.client, int(id), "finished")
			data, _, err := tt.client.ProjectImportExport.ExportDownload(int(id))
			if err != nil {
				t.Fatal(err)
			}
			files := untar(t, data)
			lines := string(files["./tree/project/project_members.ndjson"])
			if got := strings.Count(lines, private); tt.wantEmail != (got > 0) {
				t.Errorf("%d private emails in project_members, want them: %v\n%s", got, tt.wantEmail, lines)
			}
			if !strings.Contains(lines, `"public_email":"bernard_willms@gitlabexample.com"`) {
				t.Errorf("public emails lost:\n%s", lines)
			}
			for name, b := range files {
				if name != "./tree/project/project_members.ndjson" && bytes.Contains(b, []byte(private)) {
					t.Errorf("%s holds a private email", name)
				}
			}
		})
	}
}

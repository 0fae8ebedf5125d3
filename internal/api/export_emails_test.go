package api_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// TestProjectExport_StoredMemberEmails pins what leaves Ferry of the emails
// an administrator's import keeps in project_members (to map users by).
// GitLab's exporter writes a member's user with public_email only, so a
// private email never leaves: except that an administrator's export gives
// a user from an archive older than public emails (email only) that email
// as public_email, which the importing side maps users by. A Maintainer's
// export never shows it.
func TestProjectExport_StoredMemberEmails(t *testing.T) {
	t.Parallel()
	env := startUnlimited(t)
	members, err := os.ReadFile(filepath.Join(fixtureDir(t), "tree", "project", "project_members.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	const private, legacy = "private-address@corp.example", "legacy-address@corp.example"
	withEmails := bytes.Replace(members, []byte(`"user":{`), []byte(`"user":{"email":"`+private+`",`), 1)
	withEmails = bytes.Replace(withEmails, []byte(`"public_email":"saul_will@gitlabexample.com"`), []byte(`"email":"`+legacy+`"`), 1)
	id := importFinished(t, env, fixtureArchive(t, "0.2.4", map[string][]byte{"tree/project/project_members.ndjson": withEmails}),
		map[string]string{"path": "kept"})
	maintainer, c, _ := newUser(t, env, "keeper")
	if _, _, err := env.Root.ProjectMembers.AddProjectMember(int(id), &gitlab.AddProjectMemberOptions{
		UserID: gitlab.Ptr(maintainer.ID), AccessLevel: gitlab.Ptr(gitlab.MaintainerPermissions)}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		who        string
		client     *gitlab.Client
		wantLegacy bool
	}{{"maintainer", c, false}, {"root", env.Root, true}} {
		t.Run(tt.who, func(t *testing.T) {
			files := untar(t, exportArchive(t, tt.client, id))
			lines := string(files["./tree/project/project_members.ndjson"])
			if got := strings.Contains(lines, `"public_email":"`+legacy+`"`); got != tt.wantLegacy {
				t.Errorf("legacy email as public_email: %v, want %v\n%s", got, tt.wantLegacy, lines)
			}
			if !strings.Contains(lines, `"public_email":"bernard_willms@gitlabexample.com"`) {
				t.Errorf("public emails lost:\n%s", lines)
			}
			if strings.Contains(lines, `"email":`) {
				t.Errorf("a user's email is written:\n%s", lines)
			}
			for name, b := range files {
				if bytes.Contains(b, []byte(private)) || (!tt.wantLegacy && bytes.Contains(b, []byte(legacy))) {
					t.Errorf("%s holds a private email", name)
				}
			}
		})
	}
}

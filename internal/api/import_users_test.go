package api_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

type userMapping struct {
	SourceUserIdentifier string            `json:"source_user_identifier"`
	SourceUsername       *string           `json:"source_username"`
	SourceName           *string           `json:"source_name"`
	SourceEmail          *string           `json:"source_email"`
	SourcePublicEmail    *string           `json:"source_public_email"`
	MappedBy             string            `json:"mapped_by"`
	User                 *gitlab.BasicUser `json:"user"`
	Contributions        int64             `json:"contributions"`
}

// TestImportUserMappings pins GET /ferry/projects/:id/import/user_mappings:
// after an administrator's import of GitLab's fixture, each archive user
// shows the local user it became (by public email, by email) or the
// importer, with its contributions; the archive's private emails show to
// administrators only; Maintainers may read it, Developers may not, and a
// private project's stays hidden from others.
func TestImportUserMappings(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	bernard := newBernard(t, env)
	private, _, err := env.Root.Users.CreateUser(&gitlab.CreateUserOptions{Email: gitlab.Ptr("user4-private@example.com"),
		Name: gitlab.Ptr("Four"), Username: gitlab.Ptr("four"), ForceRandomPassword: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	members, err := os.ReadFile(filepath.Join(fixtureDir(t), "tree/project/project_members.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	// user 26 (user4) also has a private email, which a local user has;
	// its public email is nobody's.
	members = bytes.Replace(members, []byte(`"public_email":"user4@example.com"`),
		[]byte(`"public_email":"user4@example.com","email":"user4-private@example.com","name":"User Four"`), 1)
	data := fixtureArchive(t, "0.2.4", map[string][]byte{"tree/project/project_members.ndjson": members})
	id := importFinished(t, env, data, map[string]string{"path": "mapped", "override_params[visibility]": "private"})
	path := "/api/v4/ferry/projects/" + itoa(id) + "/import/user_mappings"

	code, body, h := call(t, env, "GET", path+"?per_page=100", servertest.RootToken, "", "")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var all []userMapping
	if err := json.Unmarshal([]byte(body), &all); err != nil {
		t.Fatal(err)
	}
	if h.Get("X-Total") != itoa(int64(len(all))) || len(all) < 4 {
		t.Fatalf("X-Total %s, %d mappings: %s", h.Get("X-Total"), len(all), body)
	}
	by := map[string]userMapping{}
	for _, m := range all {
		by[m.SourceUserIdentifier] = m
	}
	for _, tt := range []struct {
		source, username, publicEmail, email, mappedBy, user string
	}{
		{"16", "bernard_willms", "bernard_willms@gitlabexample.com", "", "public_email", bernard.Username},
		{"26", "user4", "user4@example.com", "user4-private@example.com", "email", private.Username},
		{"6", "saul_will", "saul_will@gitlabexample.com", "", "importer", "root"},
		{"1", "", "", "", "importer", "root"}, // an author no member record tells of
	} {
		m, ok := by[tt.source]
		switch {
		case !ok:
			t.Errorf("no mapping of archive user %s: %s", tt.source, body)
		case orEmpty(m.SourceUsername) != tt.username || orEmpty(m.SourcePublicEmail) != tt.publicEmail ||
			orEmpty(m.SourceEmail) != tt.email || m.MappedBy != tt.mappedBy || m.User == nil || m.User.Username != tt.user:
			t.Errorf("archive user %s: %+v (user %+v), want %+v", tt.source, m, m.User, tt)
		case m.Contributions == 0:
			t.Errorf("archive user %s authored records, but counts no contribution", tt.source)
		}
	}
	if m := by["26"]; orEmpty(m.SourceName) != "User Four" {
		t.Errorf("archive user 26's name: %v", m.SourceName)
	}

	maintainer, _, maintainerToken := newUser(t, env, "maint")
	developer, _, developerToken := newUser(t, env, "dev")
	_, _, outsiderToken := newUser(t, env, "outsider")
	for u, level := range map[int64]gitlab.AccessLevelValue{maintainer.ID: gitlab.MaintainerPermissions, developer.ID: gitlab.DeveloperPermissions} {
		if _, _, err := env.Root.ProjectMembers.AddProjectMember(int(id), &gitlab.AddProjectMemberOptions{UserID: u, AccessLevel: &level}); err != nil {
			t.Fatal(err)
		}
	}
	code, body, h = call(t, env, "GET", path+"?per_page=2&page=2", maintainerToken, "", "")
	if code != 200 || h.Get("X-Page") != "2" || h.Get("X-Total") != itoa(int64(len(all))) || strings.Contains(body, "source_email") ||
		len(decodeList(t, body)) != 2 {
		t.Errorf("a Maintainer's second page of 2: %d %v %s", code, h, body)
	}
	checkCalls(t, env, []apiCase{
		{"Developer", "GET", path, developerToken, "", "", 403, `{"message":"403 Forbidden"}`},
		{"Outsider", "GET", path, outsiderToken, "", "", 404, `{"message":"404 Project Not Found"}`},
		{"Anonymous", "GET", path, "", "", "", 401, `{"message":"401 Unauthorized"}`},
	})
}

func orEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

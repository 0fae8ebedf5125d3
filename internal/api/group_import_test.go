package api_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// exportTree reads the files of testdata/group_exports/<fixture>/tree as
// archive member names and contents.
func exportTree(t *testing.T, fixture string) map[string][]byte {
	t.Helper()
	root := filepath.Join("testdata", "group_exports", fixture)
	files := map[string][]byte{}
	err := filepath.WalkDir(filepath.Join(root, "tree"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		b, err := os.ReadFile(path)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// groupArchive builds a group export archive: VERSION 0.2.4 and files.
func groupArchive(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	aw := archive.NewWriter(&buf)
	if err := aw.AddBytes("VERSION", []byte("0.2.4")); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := aw.AddBytes(name, files[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// importGroup posts an archive to /groups/import.
func importGroup(t *testing.T, env *servertest.Env, token string, data []byte, fields map[string]string) (int, string) {
	t.Helper()
	return postArchive(t, env, "/api/v4/groups/import", token, "group.tar.gz", data, fields)
}

type groupImportStatus struct {
	ID              int64            `json:"id"`
	ImportStatus    string           `json:"import_status"`
	ImportError     *string          `json:"import_error"`
	Stats           map[string]int64 `json:"stats"`
	FailedRelations []struct {
		RelationName     string `json:"relation_name"`
		Source           string `json:"source"`
		ExceptionMessage string `json:"exception_message"`
	} `json:"failed_relations"`
}

// groupImported imports data as root under fields, waits for the import
// to end and returns the group and its status.
func groupImported(t *testing.T, env *servertest.Env, data []byte, fields map[string]string) (*gitlab.Group, groupImportStatus) {
	t.Helper()
	if status, body := importGroup(t, env, servertest.RootToken, data, fields); status != 202 || body != `{"message":"202 Accepted"}` {
		t.Fatalf("POST /groups/import: %d %s", status, body)
	}
	full := fields["path"]
	if parent := fields["parent_id"]; parent != "" {
		p, _, err := env.Root.Groups.GetGroup(parent, nil)
		if err != nil {
			t.Fatal(err)
		}
		full = p.FullPath + "/" + full
	}
	g, _, err := env.Root.Groups.GetGroup(full, nil)
	if err != nil {
		t.Fatalf("imported group %s: %v", full, err)
	}
	st := waitGroupImport(t, env, g.ID)
	if g, _, err = env.Root.Groups.GetGroup(g.ID, nil); err != nil {
		t.Fatal(err)
	}
	return g, st
}

// waitGroupImport polls GET /ferry/groups/:id/import until it ends.
func waitGroupImport(t *testing.T, env *servertest.Env, id int64) groupImportStatus {
	t.Helper()
	for deadline := time.Now().Add(importDeadline); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		code, body, _ := call(t, env, "GET", "/api/v4/ferry/groups/"+itoa(id)+"/import", servertest.RootToken, "", "")
		var st groupImportStatus
		if code != 200 || json.Unmarshal([]byte(body), &st) != nil {
			t.Fatalf("group import status: %d %s", code, body)
		}
		if st.ImportStatus == "finished" || st.ImportStatus == "failed" {
			return st
		}
	}
	t.Fatal("the group import did not end")
	return groupImportStatus{}
}

// groupRecords returns the stored records of a group's relation.
func groupRecords(t *testing.T, env *servertest.Env, groupID int64, relation string) []map[string]any {
	t.Helper()
	var out []map[string]any
	err := env.Server.DB.EachGroupRelationRecord(t.Context(), groupID, relation, func(data []byte) error {
		var m map[string]any
		out = append(out, m)
		return json.Unmarshal(data, &out[len(out)-1])
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// subgroups returns a group's sub-groups by path.
func subgroups(t *testing.T, env *servertest.Env, id int64) map[string]*gitlab.Group {
	t.Helper()
	list, _, err := env.Root.Groups.ListSubGroups(id, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*gitlab.Group{}
	for _, g := range list {
		out[g.Path] = g
	}
	return out
}

// memberEmails lists the e-mails of a group's direct members, sorted.
func memberEmails(t *testing.T, env *servertest.Env, groupID int64) []string {
	t.Helper()
	members, err := env.Server.DB.Members(t.Context(), ferry.MemberOfNamespace, groupID)
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, m := range members {
		emails = append(emails, m.User.Email)
	}
	slices.Sort(emails)
	return emails
}

// newUserWithEmail creates a user with the given e-mail.
func newUserWithEmail(t *testing.T, env *servertest.Env, username, email string) {
	t.Helper()
	if _, _, err := env.Root.Users.CreateUser(&gitlab.CreateUserOptions{Email: gitlab.Ptr(email), Name: gitlab.Ptr(username),
		Username: gitlab.Ptr(username), ForceRandomPassword: gitlab.Ptr(true)}); err != nil {
		t.Fatal(err)
	}
}

// TestGroupImport_GitLabFixture imports GitLab's complex group fixture
// through the API as an administrator and checks what GitLab's
// tree_restorer_spec checks: the description, 10 group labels, 1 badge,
// 1 board of 3 lists (TSL, then Sosync), 2 sub-groups (the 5 milestones
// are 4352's here: see testdata/group_exports/NOTICE), and the members
// mapped by e-mail beside the importer.
func TestGroupImport_GitLabFixture(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	newUserWithEmail(t, env, "adriene", "adriene.mcclure@gitlabexample.com")
	newUserWithEmail(t, env, "gwendolyn", "gwendolyn_robel@gitlabexample.com")
	g, st := groupImported(t, env, groupArchive(t, exportTree(t, "complex")), map[string]string{"path": "imported", "name": "Imported"})
	if st.ImportStatus != "finished" || len(st.FailedRelations) != 0 {
		t.Fatalf("import %s %s %+v", st.ImportStatus, deref(st.ImportError), st.FailedRelations)
	}
	if g.Name != "Imported" || g.Path != "imported" || g.Description != "Group Description" || g.Visibility != gitlab.PrivateVisibility {
		t.Errorf("group %q %q %q %q", g.Name, g.Path, g.Description, g.Visibility)
	}
	for rel, want := range map[string]int{"labels": 10, "badges": 1, "boards": 1, "milestones": 0, "epics": 0} {
		if got := len(groupRecords(t, env, g.ID, rel)); got != want {
			t.Errorf("%d %s, want %d", got, rel, want)
		}
	}
	if got, want := st.Stats, map[string]int64{"groups": 3, "labels": 10, "badges": 1, "boards": 1, "milestones": 5, "members": 3}; !mapsEqual(got, want) {
		t.Errorf("stats %v, want %v", got, want)
	}
	checkImportedRecords(t, env, g.ID)
	children := subgroups(t, env, g.ID)
	if len(children) != 2 {
		t.Fatalf("%d sub-groups, want 2", len(children))
	}
	child := children["pwip17beq7vl4nuwz9ie7bk8navpxj1w04zylmmjveab5bargr"]
	if child == nil || child.FullPath != "imported/"+child.Path {
		t.Fatalf("sub-groups %v", children)
	}
	ms := groupRecords(t, env, child.ID, "milestones")
	if len(ms) != 5 || ms[0]["title"] != "v4.0" || ms[0]["iid"] != 5.0 || ms[0]["group_id"] != float64(child.ID) {
		t.Errorf("milestones of 4352: %v", ms)
	}
	root, _, _ := env.Root.Users.CurrentUser()
	want := []string{"adriene.mcclure@gitlabexample.com", root.Email, "gwendolyn_robel@gitlabexample.com"}
	slices.Sort(want)
	if got := memberEmails(t, env, g.ID); !slices.Equal(got, want) {
		t.Errorf("members %v, want %v", got, want)
	}
}

// checkImportedRecords checks the board, badge, label and attributes are
// stored cleaned as GitLab's importer leaves them.
func checkImportedRecords(t *testing.T, env *servertest.Env, groupID int64) {
	t.Helper()
	board := groupRecords(t, env, groupID, "boards")[0]
	lists, _ := board["lists"].([]any)
	if board["name"] != "first board" || len(lists) != 3 || board["id"] != nil || board["group_id"] != float64(groupID) {
		t.Fatalf("board %v", board)
	}
	for i, title := range []string{"TSL", "Sosync"} {
		label, _ := lists[i].(map[string]any)["label"].(map[string]any)
		if label["title"] != title || label["type"] != "GroupLabel" || label["group_id"] != float64(groupID) || label["id"] != nil {
			t.Errorf("list %d label %v", i, label)
		}
	}
	if badge := groupRecords(t, env, groupID, "badges")[0]; badge["type"] != "GroupBadge" || badge["id"] != nil {
		t.Errorf("badge %v", badge)
	}
	attrs, err := env.Server.DB.GroupAttributes(t.Context(), groupID)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"id", "name", "path", "description", "visibility_level", "parent_id", "owner_id",
		"runners_token", "runners_token_encrypted", "saml_discovery_token", "created_at"} {
		if _, ok := attrs[gone]; ok {
			t.Errorf("attribute %s kept", gone)
		}
	}
	if string(attrs["subgroup_creation_level"]) != "1" || string(attrs["request_access_enabled"]) != "true" {
		t.Errorf("attributes %v", attrs)
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestGroupImport_Visibility pins GitLab's visibility rule: the imported
// group takes the archive's level, and no group is more visible than its
// parent (tree_restorer_spec: public [20, 10, 0], private [0, 0, 0],
// internal [10, 10, 0]).
func TestGroupImport_Visibility(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	tree := exportTree(t, "visibility_levels/internal")
	for _, tt := range []struct {
		parent, level string            // the parent's visibility, the archive top group's level
		want          map[string]string // sub-group path -> visibility
	}{
		{"public", "20", map[string]string{"public": "public", "internal": "internal", "private": "private"}},
		{"private", "0", map[string]string{"public": "private", "internal": "private", "private": "private"}},
		{"internal", "10", map[string]string{"public": "internal", "internal": "internal", "private": "private"}},
		// An archive more visible than the parent is capped at the
		// parent's level (GitLab would refuse to save the group).
		{"private", "20", map[string]string{"public": "private", "internal": "private", "private": "private"}},
	} {
		t.Run(tt.parent+"-"+tt.level, func(t *testing.T) {
			parent, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr(tt.parent + "-" + tt.level),
				Path: gitlab.Ptr(tt.parent + "-" + tt.level), Visibility: gitlab.Ptr(gitlab.VisibilityValue(tt.parent))})
			if err != nil {
				t.Fatal(err)
			}
			// GitLab's public and private fixtures differ from the
			// internal one in their top group's level only.
			files := maps.Clone(tree)
			files["tree/groups/283.json"] = bytes.Replace(files["tree/groups/283.json"], []byte(`"visibility_level":10`),
				[]byte(`"visibility_level":`+tt.level), 1)
			g, st := groupImported(t, env, groupArchive(t, files),
				map[string]string{"path": "top", "name": "Top", "parent_id": itoa(parent.ID)})
			if st.ImportStatus != "finished" {
				t.Fatalf("import %s %s", st.ImportStatus, deref(st.ImportError))
			}
			if string(g.Visibility) != tt.parent {
				t.Errorf("imported group %s, want %s", g.Visibility, tt.parent)
			}
			got := map[string]string{}
			for path, c := range subgroups(t, env, g.ID) {
				got[path] = string(c.Visibility)
			}
			if len(got) != 3 || got["public"] != tt.want["public"] || got["internal"] != tt.want["internal"] || got["private"] != tt.want["private"] {
				t.Errorf("sub-groups %v, want %v", got, tt.want)
			}
		})
	}
}

// TestGroupImport_ChildFailures pins GitLab's failures for sub-groups it
// cannot create (tree_restorer_spec): the import finishes, the failure is
// recorded with GitLab's message.
func TestGroupImport_ChildFailures(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	for fixture, want := range map[string]string{
		"child_with_no_parent": "Parent group not found",
		"child_short_name":     "Validation failed: Group URL is too short (minimum is 2 characters)",
	} {
		t.Run(fixture, func(t *testing.T) {
			g, st := groupImported(t, env, groupArchive(t, exportTree(t, fixture)),
				map[string]string{"path": strings.ReplaceAll(fixture, "_", "-"), "name": fixture})
			if st.ImportStatus != "finished" || len(st.FailedRelations) != 1 {
				t.Fatalf("import %s %s %+v", st.ImportStatus, deref(st.ImportError), st.FailedRelations)
			}
			if f := st.FailedRelations[0]; f.RelationName != "group" || f.Source != "process_child" || f.ExceptionMessage != want {
				t.Errorf("failure %+v, want %q", f, want)
			}
			if n := len(subgroups(t, env, g.ID)); n != 0 {
				t.Errorf("%d sub-groups created", n)
			}
		})
	}
}

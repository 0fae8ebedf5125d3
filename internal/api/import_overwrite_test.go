package api_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestProjectImport_OverwriteNeedsAdminNamespace pins GitLab's overwrite
// rule: replacing a project by an import needs admin_namespace (Owner of
// the group, directly or inherited; the owner of a personal namespace; an
// administrator). A Maintainer, who may import but not delete, gets a
// failed import (GitLab's message is logged) and the old project stays;
// unlike GitLab, the temporary project does not stay behind.
func TestProjectImport_OverwriteNeedsAdminNamespace(t *testing.T) {
	t.Parallel()
	r := setupRoles(t)
	env := r.env
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0))})
	outsiderOwn, _, err := r.clients["outsider"].Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("mine")})
	if err != nil {
		t.Fatal(err)
	}
	current := map[string]int64{"grp/sub/proj": int64(r.project.ID), "outsider/mine": int64(outsiderOwn.ID)}
	for _, tt := range []struct {
		who, namespace, path string
		wantError            string // "" for a replaced project
	}{
		{"maintainer", "grp/sub", "proj",
			fmt.Sprintf("User maintainer (%d) cannot overwrite a project in sub", r.users["maintainer"].ID)},
		{"owner", "grp/sub", "proj", ""},
		{"root", "grp/sub", "proj", ""},
		{"outsider", "outsider", "mine", ""},
	} {
		t.Run(tt.who, func(t *testing.T) {
			token := r.tokens[tt.who]
			if tt.who == "root" {
				token = servertest.RootToken
			}
			status, body := importArchive(t, env, token, "a.tar.gz", fixtureArchive(t, "0.2.4", nil),
				map[string]string{"namespace": tt.namespace, "path": tt.path, "overwrite": "true"})
			if status != 201 {
				t.Fatalf("%d %s", status, body)
			}
			id := projectID(t, body)
			full := tt.namespace + "/" + tt.path
			if tt.wantError != "" {
				waitProjectGone(t, env, id)
				wantDroppedImport(t, env, token, r.tokens["outsider"], id, tt.wantError)
				wantDroppedImport(t, env, servertest.RootToken, "", id, tt.wantError)
				p, _, err := env.Root.Projects.GetProject(full, nil)
				if err != nil {
					t.Fatalf("%s after the import: %v", full, err)
				}
				if int64(p.ID) != current[full] {
					t.Errorf("%s is project %d, want the old %d", full, p.ID, current[full])
				}
				return
			}
			st := waitImport(t, env, token, id)
			p, _, err := env.Root.Projects.GetProject(full, nil)
			if err != nil {
				t.Fatalf("%s after the import: %v", full, err)
			}
			if st.ImportStatus != "finished" || int64(p.ID) != id {
				t.Errorf("import %s %q; %s is project %d, want %d", st.ImportStatus, deref(st.ImportError), full, p.ID, id)
			}
			if _, resp, _ := env.Root.Projects.GetProject(int(current[full]), nil); statusOf(resp) != 404 {
				t.Errorf("replaced project %d answers %d", current[full], statusOf(resp))
			}
			current[full] = id
		})
	}
}

// waitProjectGone waits until project id answers 404: a failed
// overwrite's temporary project was removed.
func waitProjectGone(t *testing.T, env *servertest.Env, id int64) {
	t.Helper()
	for deadline := time.Now().Add(importDeadline); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		if status, _, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(id), servertest.RootToken, "", ""); status == 404 {
			return
		}
	}
	t.Fatalf("the temporary project %d of a failed overwrite is still there", id)
}

// wantDroppedImport checks that the removed temporary project id of a
// failed overwrite still answers its import status to the caller with
// token (who started it, or an administrator): failed, with wantError
// ("" for any error), and 404 to stranger.
func wantDroppedImport(t *testing.T, env *servertest.Env, token, stranger string, id int64, wantError string) {
	t.Helper()
	status, body, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(id)+"/import", token, "", "")
	var st struct {
		ID              int64           `json:"id"`
		ImportStatus    string          `json:"import_status"`
		ImportError     *string         `json:"import_error"`
		FailedRelations json.RawMessage `json:"failed_relations"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &st) != nil {
		t.Fatalf("import status of the dropped project %d: %d %s", id, status, body)
	}
	if st.ID != id || st.ImportStatus != "failed" || st.ImportError == nil || *st.ImportError == "" ||
		(wantError != "" && *st.ImportError != wantError) || string(st.FailedRelations) != "[]" {
		t.Errorf("import status of the dropped project %d: %s, want failed with %q", id, body, wantError)
	}
	if stranger == "" {
		return
	}
	if status, body, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(id)+"/import", stranger, "", ""); status != 404 {
		t.Errorf("a stranger reads the dropped import of project %d: %d %s", id, status, body)
	}
}

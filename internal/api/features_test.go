package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

const form = "application/x-www-form-urlencoded"

// TestFeatures_WhoMayCall pins that only administrators read and change
// flags, with GitLab's answers to everyone else.
func TestFeatures_WhoMayCall(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	_, _, ann := newUser(t, env, "ann")
	var cases []apiCase
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v4/features", ""}, {"GET", "/api/v4/features/definitions", ""},
		{"POST", "/api/v4/features/f", "value=true"}, {"DELETE", "/api/v4/features/f", ""},
	} {
		cases = append(cases,
			apiCase{"Anonymous" + c.method + c.path, c.method, c.path, "", form, c.body, 401, `{"message":"401 Unauthorized"}`},
			apiCase{"User" + c.method + c.path, c.method, c.path, ann, form, c.body, 403, `{"message":"403 Forbidden"}`})
	}
	checkCalls(t, env, cases)
}

// TestFeatures_SetAndList pins GitLab's feature entity (gates in
// Flipper's order, empty ones left out, the definition of a known flag)
// and its answers to changes it refuses.
func TestFeatures_SetAndList(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	newUser(t, env, "ann")
	if _, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Team"), Path: gitlab.Ptr("team")}); err != nil {
		t.Fatal(err)
	}
	root := servertest.RootToken
	const off = `{"key":"boolean","value":false},{"key":"expression","value":null}`
	definition := func(name, mr, issue, milestone string) string {
		return `{"name":"` + name + `","feature_issue_url":null,` +
			`"introduced_by_url":"https://gitlab.com/gitlab-org/gitlab/-/merge_requests/` + mr + `",` +
			`"rollout_issue_url":"https://gitlab.com/gitlab-org/gitlab/-/issues/` + issue + `","milestone":"` + milestone + `",` +
			`"log_state_changes":null,"type":"development","group":"group::import","default_enabled":true}`
	}
	s3 := definition("import_project_from_remote_file_s3", "77259", "350571", "14.9")
	checkCalls(t, env, []apiCase{
		{"NothingStored", "GET", "/api/v4/features", root, "", "", 200, `[]`},
		{"Definitions", "GET", "/api/v4/features/definitions", root, "", "", 200,
			`[` + definition("import_project_from_remote_file", "59033", "330039", "13.12") + `,` + s3 + `]`},
		{"Percentage", "POST", "/api/v4/features/my_feature", root, form, "value=30", 201,
			`{"name":"my_feature","state":"conditional","gates":[` + off + `,{"key":"percentage_of_time","value":30}],"definition":null}`},
		{"PercentageOfActors", "POST", "/api/v4/features/my_feature", root, form, "value=12.5&key=percentage_of_actors", 201,
			`{"name":"my_feature","state":"conditional","gates":[` + off + `,{"key":"percentage_of_actors","value":12.5},` +
				`{"key":"percentage_of_time","value":30}],"definition":null}`},
		{"Targets", "POST", "/api/v4/features/targeted", root, "application/json",
			`{"value":true,"user":"ann,root","group":"team","feature_group":"perf_team","project":"","key":""}`, 201,
			`{"name":"targeted","state":"conditional","gates":[` + off + `,{"key":"actors","value":["User:2","User:1","Group:3"]},` +
				`{"key":"groups","value":["perf_team"]}],"definition":null}`},
		{"Enable", "POST", "/api/v4/features/import_project_from_remote_file_s3", root, "application/json", `{"value":true}`, 201,
			`{"name":"import_project_from_remote_file_s3","state":"on","gates":[{"key":"boolean","value":true},` +
				`{"key":"expression","value":null}],"definition":` + s3 + `}`},
		{"PercentageOfAnEnabledFlag", "POST", "/api/v4/features/import_project_from_remote_file_s3", root, form, "value=30", 400,
			`{"message":"400 Bad request - Cannot enable percentage of time for a fully-enabled flag"}`},
		{"Disable", "POST", "/api/v4/features/import_project_from_remote_file_s3", root, form, "value=0", 201,
			`{"name":"import_project_from_remote_file_s3","state":"off","gates":[` + off + `],"definition":` + s3 + `}`},
		{"ValueMissing", "POST", "/api/v4/features/f", root, form, "", 400, `{"error":"value is missing"}`},
		{"UnknownValue", "POST", "/api/v4/features/f", root, form, "value=maybe", 400,
			`{"message":"400 Bad request - Cannot set 'f' to \"maybe\""}`},
		{"UnknownUser", "POST", "/api/v4/features/f", root, form, "value=true&user=ann,nobody", 400,
			`{"message":"400 Bad request - nobody is not found!"}`},
		{"KeyWithTarget", "POST", "/api/v4/features/f", root, form, "value=5&key=percentage_of_actors&user=ann", 400,
			`{"error":"key, user are mutually exclusive"}`},
	})
	list, _, err := env.Root.Features.ListFeatures()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range list {
		names = append(names, f.Name+":"+f.State)
	}
	if got, want := strings.Join(names, ","), "my_feature:conditional,targeted:conditional,import_project_from_remote_file_s3:off"; got != want {
		t.Errorf("features %s, want %s", got, want)
	}
	if resp, err := env.Root.Features.DeleteFeatureFlag("targeted"); err != nil || resp.StatusCode != 204 {
		t.Fatalf("delete: %v %v", resp, err)
	}
	if resp, err := env.Root.Features.DeleteFeatureFlag("never-set"); err != nil || resp.StatusCode != 204 {
		t.Errorf("delete a flag never set: %v %v", resp, err)
	}
	if list, _, _ := env.Root.Features.ListFeatures(); len(list) != 2 {
		t.Errorf("%d flags after delete, want 2", len(list))
	}
}

// TestFeatures_GateRemoteImports pins that the two flags gate the remote
// imports: on by default, 404 when off (parameters are still checked
// first, as Grape does), on for the actors it is set for, and back to the
// default once deleted.
func TestFeatures_GateRemoteImports(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0))})
	_, _, ann := newUser(t, env, "ann")
	_, _, bob := newUser(t, env, "bob")
	const notFound = `{"message":"404 Not Found"}`
	for _, imp := range []struct {
		flag, path, body, passes, missing string
	}{
		{"import_project_from_remote_file", "/api/v4/projects/remote-import", "path=p&url=http://example.com/a.tar.gz",
			`{"message":"File url is blocked: Only allowed schemes are https"}`, "url is missing"},
		{"import_project_from_remote_file_s3", "/api/v4/projects/remote-import-s3",
			"path=p&region=no!&bucket_name=b&file_key=k&access_key_id=a&secret_access_key=s",
			`{"message":"Failed to open 'k' in 'b': region 'no!' is not valid"}`,
			"region is missing, bucket_name is missing, file_key is missing, access_key_id is missing, secret_access_key is missing"},
	} {
		set := func(t *testing.T, body string) {
			t.Helper()
			if status, resp, _ := call(t, env, "POST", "/api/v4/features/"+imp.flag, servertest.RootToken, form, body); status != 201 {
				t.Fatalf("set %s: %d %s", body, status, resp)
			}
		}
		t.Run(imp.flag, func(t *testing.T) {
			checkCalls(t, env, []apiCase{{"OnByDefault", "POST", imp.path, ann, form, imp.body, 400, imp.passes}})
			set(t, "value=false")
			checkCalls(t, env, []apiCase{
				{"Off", "POST", imp.path, ann, form, imp.body, 404, notFound},
				{"OffForAdmins", "POST", imp.path, servertest.RootToken, form, imp.body, 404, notFound},
				{"OffParamsFirst", "POST", imp.path, ann, form, "path=p", 400, `{"error":"` + imp.missing + `"}`},
			})
			set(t, "value=true&user=ann")
			checkCalls(t, env, []apiCase{
				{"OnForAnn", "POST", imp.path, ann, form, imp.body, 400, imp.passes},
				{"OffForBob", "POST", imp.path, bob, form, imp.body, 404, notFound},
			})
			set(t, "value=opt_out&user=ann")
			checkCalls(t, env, []apiCase{{"AnnOptedOut", "POST", imp.path, ann, form, imp.body, 404, notFound}})
			if status, _, _ := call(t, env, "DELETE", "/api/v4/features/"+imp.flag, servertest.RootToken, "", ""); status != 204 {
				t.Fatalf("delete: %d", status)
			}
			checkCalls(t, env, []apiCase{{"DefaultAgain", "POST", imp.path, bob, form, imp.body, 400, imp.passes}})
		})
	}
}

// TestFeatures_PythonGitlab drives the flags with python-gitlab as its own
// functional test of remote-import-s3 does, against an S3 endpoint that
// refuses every request.
func TestFeatures_PythonGitlab(t *testing.T) {
	t.Parallel()
	python := needPythonGitlab(t)
	s3 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	}))
	t.Cleanup(s3.Close)
	env := servertest.StartWith(t, servertest.Options{S3Endpoint: s3.URL})
	cmd := exec.Command(python, "testdata/python_gitlab_features.py", env.URL, servertest.RootToken)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, stderr.String())
	}
	seen := decode(t, string(out))
	for k, want := range map[string]any{
		"set_state": "on", "s3_code": 400.0, "off_code": 404.0, "off_message": "404 Not Found", "default_code": 400.0,
	} {
		if seen[k] != want {
			t.Errorf("%s = %v, want %v", k, seen[k], want)
		}
	}
	if msg, _ := seen["s3_message"].(string); !strings.Contains(msg, "Failed to open 'aws-file-key' in 'aws-bucket-name'") {
		t.Errorf("s3_message %q", msg)
	}
	for k, want := range map[string]string{
		"set_gates":    `[{"key":"boolean","value":true},{"key":"expression","value":null}]`,
		"listed":       `[["import_project_from_remote_file_s3","off"],["some_unknown_flag","conditional"]]`,
		"after_delete": `[]`,
	} {
		if got := compact(t, seen[k]); got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
}

func compact(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

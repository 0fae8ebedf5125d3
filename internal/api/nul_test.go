package api_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestMalformedStrings pins GitLab's HandleMalformedStrings: a NUL byte (or
// invalid UTF-8) in the path, a query, form, multipart or JSON value
// (nested too) or Basic credentials is answered 400 "Bad Request" in plain
// text before any route runs, on every store, and changes nothing.
func TestMalformedStrings(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	root := servertest.RootToken
	form, js := "application/x-www-form-urlencoded", "application/json"
	mp, mpBody := multipartFields(t, map[string]string{"path": "nul\x00path", "namespace": "root"})
	for _, tt := range []struct{ name, method, path, ctype, body string }{
		{"Path", "GET", "/api/v4/projects/root%2Fa%00b", "", ""},
		{"Query", "GET", "/api/v4/projects?search=a%00b", "", ""},
		{"QueryInvalidUTF8", "GET", "/api/v4/projects?search=%FF", "", ""},
		{"QueryOnGitRoute", "GET", "/root/x.git/info/refs?service=git-upload-pack%00", "", ""},
		{"Form", "POST", "/api/v4/projects", form, "path=nul-form&description=a%00b"},
		{"FormInvalidUTF8", "POST", "/api/v4/projects", form, "path=nul-utf8&description=%C3%28"},
		{"JSON", "POST", "/api/v4/projects", js, `{"path":"nul-json","description":"a\u0000b"}`},
		{"JSONInvalidUTF8", "POST", "/api/v4/projects", js, "{\"path\":\"nul-json-utf8\",\"description\":\"\xff\"}"},
		{"JSONNested", "POST", "/api/v4/projects", js, `{"path":"nul-nested","topics":["ok","a\u0000"]}`},
		{"JSONUpdate", "PUT", "/api/v4/projects/1", js, `{"description":"\u0000"}`},
		{"Multipart", "POST", "/api/v4/projects/import", mp, mpBody},
		{"Settings", "PUT", "/api/v4/application/settings", form, "import_sources[]=git%00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body, h := call(t, env, tt.method, tt.path, root, tt.ctype, tt.body)
			if status != 400 || body != "Bad Request" || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
				t.Errorf("%d %q %s, want 400 Bad Request as plain text", status, body, h.Get("Content-Type"))
			}
		})
	}
	req, _ := http.NewRequest("GET", env.URL+"/api/v4/user", nil)
	req.SetBasicAuth("root", "x\x00y")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 400 {
		t.Errorf("NUL in Basic credentials: %v %v, want 400", resp, err)
	}
	// A NUL in a parameter's name is no value: GitLab checks values only.
	if status, body, _ := call(t, env, "GET", "/api/v4/projects?a%00b=1", root, "", ""); status != 200 {
		t.Errorf("NUL in a parameter name: %d %s", status, body)
	}
	ps, _, err := env.Root.Projects.ListProjects(nil)
	if err != nil || len(ps) != 0 {
		t.Errorf("projects after refused requests: %d %v", len(ps), err)
	}
	if left, _ := filepath.Glob(filepath.Join(env.DataDir, "blobs", "imports", "*")); len(left) != 0 {
		t.Errorf("uploads left by a refused import: %v", left)
	}
}

// multipartFields is a multipart body of fields and a small file.
func multipartFields(t *testing.T, fields map[string]string) (contentType, body string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "a.tar.gz")
	fw.Write([]byte("not read"))
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	return mw.FormDataContentType(), buf.String()
}

// TestProjectImport_NULInRecords pins that an archive whose text holds NUL
// characters (the project's description, an issue's title and
// description, a label) imports the same on every store, in one attempt:
// the NULs are dropped, the rest is kept, no record fails.
func TestProjectImport_NULInRecords(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	dir := fixtureDir(t)
	attrs := map[string]any{}
	b, err := os.ReadFile(filepath.Join(dir, "tree", "project.json"))
	if err != nil || json.Unmarshal(b, &attrs) != nil {
		t.Fatalf("fixture project.json: %v", err)
	}
	attrs["description"] = "Before\u0000after"
	project, _ := json.Marshal(attrs)
	issues, err := os.ReadFile(filepath.Join(dir, "tree", "project", "issues.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	first, rest, _ := bytes.Cut(issues, []byte("\n"))
	issue := map[string]any{}
	if err := json.Unmarshal(first, &issue); err != nil {
		t.Fatal(err)
	}
	issue["title"], issue["description"] = "Ti\u0000tle", "\u0000Desc\u0000ription\u0000"
	links := issue["label_links"].([]any)
	links[0].(map[string]any)["label"].(map[string]any)["title"] = "nul\u0000label"
	first, _ = json.Marshal(issue)
	data := fixtureArchive(t, "0.2.4", map[string][]byte{"tree/project.json": project,
		"tree/project/issues.ndjson": append(append(first, '\n'), rest...)})
	id := importFinished(t, env, data, map[string]string{"path": "nul"})
	if attempt, state := importJob(t, env); attempt != 1 || state != "completed" {
		t.Errorf("import job: attempt %d, state %s; want one completed attempt", attempt, state)
	}
	p, _, err := env.Root.Projects.GetProject(int(id), nil)
	if err != nil || p.Description != "Beforeafter" {
		t.Fatalf("project: %v %v", p, err)
	}
	iss, _, err := env.Root.Issues.GetIssue(int(id), int64(issue["iid"].(float64)))
	if err != nil || iss.Title != "Title" || iss.Description != "Description" || !contains(strings.Join(iss.Labels, ","), "nullabel") {
		t.Errorf("issue: %v %v", iss, err)
	}
	if found, _, err := env.Root.Issues.ListProjectIssues(int(id), &gitlab.ListProjectIssuesOptions{Search: gitlab.Ptr("Title")}); err != nil || len(found) != 1 {
		t.Errorf("search by the stored title: %d %v", len(found), err)
	}
	st := waitImport(t, env, servertest.RootToken, id)
	if len(st.FailedRelations) != 0 {
		t.Errorf("failed relations: %+v", st.FailedRelations)
	}
}

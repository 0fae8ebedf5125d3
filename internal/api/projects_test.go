package api_test

import (
	"strings"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

func TestProjects_CreateReadUpdate(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{
		Name: gitlab.Ptr("My Project"), Description: gitlab.Ptr("first"), DefaultBranch: gitlab.Ptr("trunk"),
		InitializeWithReadme: gitlab.Ptr(true), Visibility: gitlab.Ptr(gitlab.InternalVisibility)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Path != "my-project" || p.PathWithNamespace != "root/my-project" || p.NameWithNamespace != "Administrator / My Project" {
		t.Errorf("paths %q %q %q", p.Path, p.PathWithNamespace, p.NameWithNamespace)
	}
	if p.DefaultBranch != "trunk" || p.EmptyRepo || p.HTTPURLToRepo != env.URL+"/root/my-project.git" {
		t.Errorf("branch %q empty %v url %q", p.DefaultBranch, p.EmptyRepo, p.HTTPURLToRepo)
	}
	if p.Owner == nil || p.Owner.Username != "root" {
		t.Errorf("owner %+v, want root", p.Owner)
	}
	if p.CreatedAt == nil || time.Since(*p.CreatedAt) > time.Minute {
		t.Errorf("created_at %v", p.CreatedAt)
	}

	edited, _, err := env.Root.Projects.EditProject("root/my-project", &gitlab.EditProjectOptions{
		Name: gitlab.Ptr("Renamed"), Path: gitlab.Ptr("renamed"), Visibility: gitlab.Ptr(gitlab.PrivateVisibility)})
	if err != nil {
		t.Fatal(err)
	}
	if edited.PathWithNamespace != "root/renamed" || edited.Visibility != gitlab.PrivateVisibility || edited.Description != "first" {
		t.Errorf("after edit: %s %s %q", edited.PathWithNamespace, edited.Visibility, edited.Description)
	}
	byPath, _, err := env.Root.Projects.GetProject("root/RENAMED", nil)
	if err != nil || byPath.ID != p.ID {
		t.Errorf("lookup by path in another case: %v %v", byPath, err)
	}

	empty, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("bare")})
	if err != nil {
		t.Fatal(err)
	}
	if empty.Name != "bare" || !empty.EmptyRepo || empty.DefaultBranch != "" {
		t.Errorf("project from path only: name %q empty %v branch %q", empty.Name, empty.EmptyRepo, empty.DefaultBranch)
	}
}

func TestProjects_Pagination(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	for i := range 5 {
		if _, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("p" + itoa(int64(i)))}); err != nil {
			t.Fatal(err)
		}
	}
	ps, resp, err := env.Root.Projects.ListProjects(&gitlab.ListProjectsOptions{
		ListOptions: gitlab.ListOptions{PerPage: 2, Page: 2}, OrderBy: gitlab.Ptr("name"), Sort: gitlab.Ptr("asc")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Path)
	}
	if got := strings.Join(names, ","); got != "p2,p3" {
		t.Errorf("page 2 = %s, want p2,p3", got)
	}
	if resp.TotalItems != 5 || resp.TotalPages != 3 || resp.NextPage != 3 || resp.PreviousPage != 1 {
		t.Errorf("headers: total %d pages %d next %d prev %d", resp.TotalItems, resp.TotalPages, resp.NextPage, resp.PreviousPage)
	}
}

// TestProjects_BadInput pins that each malformed request gets GitLab's
// error and changes nothing.
func TestProjects_BadInput(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	root := servertest.RootToken
	if _, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("taken")}); err != nil {
		t.Fatal(err)
	}
	form, js := "application/x-www-form-urlencoded", "application/json"
	cases := []apiCase{
		{"UnknownID", "GET", "/api/v4/projects/999", root, "", "", 404, `{"message":"404 Project Not Found"}`},
		{"PathWithoutNamespace", "GET", "/api/v4/projects/taken", root, "", "", 404, `{"message":"404 Project Not Found"}`},
		{"UnknownPath", "GET", "/api/v4/projects/root%2Fnope", root, "", "", 404, `{"message":"404 Project Not Found"}`},
		{"NegativeID", "GET", "/api/v4/projects/-1", root, "", "", 404, `{"message":"404 Project Not Found"}`},
		{"HugeID", "GET", "/api/v4/projects/99999999999999999999999", root, "", "", 404, `{"message":"404 Project Not Found"}`},
		{"NoNameNoPath", "POST", "/api/v4/projects", root, form, "description=x", 400,
			`{"error":"name, path are missing, at least one parameter must be provided"}`},
		{"BadVisibility", "POST", "/api/v4/projects", root, form, "path=v&visibility=secret", 400,
			`{"error":"visibility does not have a valid value"}`},
		{"BadBoolean", "POST", "/api/v4/projects", root, form, "path=b&initialize_with_readme=maybe", 400,
			`{"error":"initialize_with_readme is invalid"}`},
		{"BadPath", "POST", "/api/v4/projects", root, form, "path=-bad-", 400,
			`{"message":{"name":["can contain only letters, digits, emoji, '_', '.', '+', dashes, or spaces. It must start with a letter, digit, emoji, or '_'."],"path":["must not start or end with a special character and must not contain consecutive special characters."]}}`},
		{"TakenPath", "POST", "/api/v4/projects", root, form, "path=TAKEN", 400, `{"message":{"name":["has already been taken"],"path":["has already been taken"]}}`},
		{"UnknownNamespace", "POST", "/api/v4/projects", root, form, "path=n&namespace_id=4242", 400,
			`{"message":{"namespace":["is not valid"]}}`},
		{"BadBranch", "POST", "/api/v4/projects", root, form, "path=br&default_branch=a..b", 400,
			`{"error":"default_branch is invalid"}`},
		{"MalformedJSON", "POST", "/api/v4/projects", root, js, `{"path":`, 400, `{"error":"body is not valid JSON"}`},
		{"JSONArrayBody", "POST", "/api/v4/projects", root, js, `["x"]`, 400, `{"error":"body must be a JSON object"}`},
		{"OversizeBody", "POST", "/api/v4/projects", root, form, "path=x&description=" + strings.Repeat("a", 11<<20), 413,
			`{"message":"413 Request Entity Too Large"}`},
		{"UpdateUnknown", "PUT", "/api/v4/projects/999", root, form, "name=x", 404, `{"message":"404 Project Not Found"}`},
		{"DeleteUnknown", "DELETE", "/api/v4/projects/999", root, "", "", 404, `{"message":"404 Project Not Found"}`},
	}
	checkCalls(t, env, cases)
	ps, _, err := env.Root.Projects.ListProjects(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 {
		t.Errorf("%d projects after refused requests, want 1", len(ps))
	}
}

// TestProjects_ParameterForms pins that parameters arrive as GitLab's
// clients send them: JSON with a null body, capitalised booleans, nested
// and flat hashes.
func TestProjects_ParameterForms(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	root := servertest.RootToken
	tests := []struct {
		name, ctype, body, wantPath string
		wantEmpty                   bool
	}{
		{"JSONCapitalTrue", "application/json", `{"path":"j1","initialize_with_readme":"True"}`, "j1", false},
		{"JSONBool", "application/json", `{"path":"j2","initialize_with_readme":true}`, "j2", false},
		{"FormYes", "application/x-www-form-urlencoded", "path=f1&initialize_with_readme=YES", "f1", false},
		{"FormZero", "application/x-www-form-urlencoded", "path=f2&initialize_with_readme=0", "f2", true},
		{"Multipart", "multipart/form-data; boundary=XX",
			"--XX\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\nm1\r\n--XX--\r\n", "m1", true},
		{"Query", "", "", "q1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/api/v4/projects"
			if tt.ctype == "" {
				path += "?path=" + tt.wantPath
			}
			status, body, _ := call(t, env, "POST", path, root, tt.ctype, tt.body)
			if status != 201 {
				t.Fatalf("status %d %s", status, body)
			}
			m := decode(t, body)
			if m["path"] != tt.wantPath || m["empty_repo"] != tt.wantEmpty {
				t.Errorf("path %v empty %v, want %s %v", m["path"], m["empty_repo"], tt.wantPath, tt.wantEmpty)
			}
		})
	}
	t.Run("NullBody", func(t *testing.T) {
		status, body, _ := call(t, env, "GET", "/api/v4/projects/root%2Fj1", root, "application/json", "null")
		if status != 200 {
			t.Errorf("GET with a null JSON body: %d %s", status, body)
		}
		status, body, _ = call(t, env, "PUT", "/api/v4/projects/root%2Fj1", root, "application/json", "null")
		if status != 200 {
			t.Errorf("PUT with a null JSON body: %d %s", status, body)
		}
	})
	t.Run("Timestamps", func(t *testing.T) {
		_, body, _ := call(t, env, "GET", "/api/v4/projects/root%2Fj1", root, "", "")
		created, _ := decode(t, body)["created_at"].(string)
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", created); err != nil {
			t.Errorf("created_at %q is not GitLab's format: %v", created, err)
		}
	})
}

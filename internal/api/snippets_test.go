package api_test

import (
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestProjectSnippets pins the fixture's public snippet, listed and read
// (metadata only), and a private project's snippets hidden from
// outsiders.
func TestProjectSnippets(t *testing.T) {
	t.Parallel()
	s := setupRecords(t)
	snippets, resp, err := s.dev.ProjectSnippets.ListSnippets(s.project, nil)
	if err != nil || len(snippets) != 1 || resp.TotalItems != 1 {
		t.Fatalf("snippets %d: %v", len(snippets), err)
	}
	sn := snippets[0]
	if sn.Title != "Test snippet title" || sn.Description != "Test snippet description" || sn.Visibility != "public" ||
		sn.Author.Username != "root" || sn.ProjectID != s.project {
		t.Errorf("snippet: %+v", sn)
	}
	one, _, err := s.dev.ProjectSnippets.GetSnippet(s.project, sn.ID)
	if err != nil || one.ID != sn.ID || one.Title != sn.Title {
		t.Errorf("snippet %d: %+v %v", sn.ID, one, err)
	}
	p := "/api/v4/projects/" + itoa(s.project)
	checkCalls(t, s.env, []apiCase{
		{"Missing", "GET", p + "/snippets/999999", s.developer, "", "", 404, `{"message":"404 Snippet Not Found"}`},
		{"Outsider", "GET", p + "/snippets", s.outsider, "", "", 404, `{"message":"404 Project Not Found"}`},
	})
}

// TestProjectMembers_Imported pins that an administrator's import makes
// the archive's members whose public email a local user has members with
// their access level, shown one by one as GitLab shows them.
func TestProjectMembers_Imported(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	bernard := newBernard(t, env)
	id := importFinished(t, env, fixtureArchive(t, "0.2.4", nil), map[string]string{"path": "members"})
	m, _, err := env.Root.ProjectMembers.GetProjectMember(id, bernard.ID)
	if err != nil || m.Username != "bernard" || m.AccessLevel != gitlab.MaintainerPermissions {
		t.Errorf("member bernard: %+v %v", m, err)
	}
	if m, _, err := env.Root.ProjectMembers.GetInheritedProjectMember(id, bernard.ID); err != nil || m.ID != bernard.ID {
		t.Errorf("inherited member bernard: %+v %v", m, err)
	}
	p := "/api/v4/projects/" + itoa(id)
	checkCalls(t, env, []apiCase{
		{"NoMember", "GET", p + "/members/999", servertest.RootToken, "", "", 404, `{"message":"404 Not found"}`},
		{"NotANumber", "GET", p + "/members/all/x", servertest.RootToken, "", "", 400, `{"error":"user_id is invalid"}`},
	})
}

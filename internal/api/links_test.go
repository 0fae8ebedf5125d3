package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// TestLinks_Resolve follows every _links entry of a project and of an
// issue, as a Developer: each answers 200 (GitLab's clients follow them),
// the project's cluster_agents an empty list, hidden below Developer.
func TestLinks_Resolve(t *testing.T) {
	t.Parallel()
	s := setupRecords(t)
	p := "/api/v4/projects/" + itoa(s.project)
	for _, owner := range []string{p, p + "/issues/1"} {
		code, body, _ := call(t, s.env, "GET", owner, s.developer, "", "")
		var got struct {
			Links map[string]*string `json:"_links"`
		}
		if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil || len(got.Links) < 4 {
			t.Fatalf("GET %s: %d %v %s", owner, code, err, body)
		}
		for name, link := range got.Links {
			if link == nil {
				continue // closed_as_duplicate_of
			}
			path, ok := strings.CutPrefix(*link, s.env.URL)
			if !ok {
				t.Errorf("%s: _links.%s %q is not under %s", owner, name, *link, s.env.URL)
				continue
			}
			if code, body, _ := call(t, s.env, "GET", path, s.developer, "", ""); code != 200 {
				t.Errorf("%s: _links.%s %s: %d %s", owner, name, path, code, body)
			}
		}
	}
	reporterUser, _, reporter := newUser(t, s.env, "reporter")
	if _, _, err := s.env.Root.ProjectMembers.AddProjectMember(s.project, &gitlab.AddProjectMemberOptions{
		UserID: gitlab.Ptr(reporterUser.ID), AccessLevel: gitlab.Ptr(gitlab.ReporterPermissions)}); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, s.env, []apiCase{
		{"ClusterAgentsReporter", "GET", p + "/cluster_agents", reporter, "", "", 404, `{"message":"404 ClusterAgents Not Found"}`},
		{"ClusterAgents", "GET", p + "/cluster_agents", s.developer, "", "", 200, `[]`},
		{"ClusterAgentsOutsider", "GET", p + "/cluster_agents", s.outsider, "", "", 404, `{"message":"404 Project Not Found"}`},
		{"ClusterAgentsAnonymous", "GET", p + "/cluster_agents", "", "", "", 401, `{"message":"401 Unauthorized"}`},
	})
}

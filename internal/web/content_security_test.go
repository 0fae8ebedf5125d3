package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// hostile is imported text that would run script if a page let it.
const hostile = `<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))`

// hostileFixture edits the fixture's issues: issue 10's title,
// description and first note are hostile and it gains an internal note;
// issue 9 is confidential ("Secret plan").
func hostileFixture(name string, data []byte) []byte {
	if name != "tree/project/issues.ndjson" {
		return data
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	for i, line := range lines {
		var issue map[string]any
		if err := json.Unmarshal(line, &issue); err != nil {
			panic(err) // the fixture is valid JSON
		}
		switch issue["iid"] {
		case 10.0:
			issue["title"] = hostile
			issue["description"] = "Described: ![logo](/uploads/" + webtest.UploadSecret + "/logo.png) " + hostile
			notes := issue["notes"].([]any)
			notes[0].(map[string]any)["note"] = "Noted: " + hostile
			internal := map[string]any{}
			for k, v := range notes[1].(map[string]any) {
				internal[k] = v
			}
			internal["note"], internal["internal"], internal["confidential"] = "An internal remark", true, true
			issue["notes"] = append(notes, internal)
		case 9.0:
			issue["title"], issue["confidential"] = "Secret plan", true
		}
		lines[i], _ = json.Marshal(issue)
	}
	return bytes.Join(lines, []byte("\n"))
}

// executable finds HTML that could run script: a script element, an
// event handler attribute, a javascript: URL in an attribute.
var executable = regexp.MustCompile(`(?i)<script|<[a-z][^>]*\son[a-z]+\s*=|(href|src|action)\s*=\s*["']?\s*javascript:`)

// TestContent_HostileTextIsInert shows an issue whose title, description
// and note hold script, an event handler and a javascript: link: the
// pages carry none of them in executable form.
func TestContent_HostileTextIsInert(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p := webtest.ImportEditedFixture(t, env, "hostile", hostileFixture)
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	base := "/" + p.PathWithNamespace
	for _, path := range []string{base + "/-/issues", base + "/-/issues/10", base + "/-/milestones?state=all"} {
		resp := c.Get(path)
		if resp.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.Status)
		}
		if m := executable.FindString(resp.Body); m != "" {
			t.Errorf("%s holds executable HTML %q", path, m)
		}
	}
	page := c.Get(base + "/-/issues/10").Body
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "Described:", "Noted:"} {
		if !strings.Contains(page, want) {
			t.Errorf("the issue page lacks %q", want)
		}
	}
}

// TestContent_Confidential hides a confidential issue and internal notes
// from who may not read them (GitLab's read_confidential_issues and
// read_internal_note: Reporter and above, plus the author and assignees
// of the issue): anonymous visitors, non-members and Guests of a public
// project.
func TestContent_Confidential(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p := webtest.ImportEditedFixture(t, env, "secrets", hostileFixture)
	if _, _, err := env.Root.Projects.EditProject(p.ID, &gitlab.EditProjectOptions{
		Visibility: gitlab.Ptr(gitlab.PublicVisibility)}); err != nil {
		t.Fatal(err)
	}
	clients := map[string]*webtest.Client{"anonymous": webtest.NewClient(t, env), "root": webtest.NewClient(t, env)}
	clients["root"].SignIn(servertest.RootToken)
	for name, level := range map[string]gitlab.AccessLevelValue{"outsider": 0, "guest": gitlab.GuestPermissions,
		"reporter": gitlab.ReporterPermissions} {
		u, token := webtest.NewUser(t, env, name)
		if level != 0 {
			if _, _, err := env.Root.ProjectMembers.AddProjectMember(p.ID, &gitlab.AddProjectMemberOptions{
				UserID: u.ID, AccessLevel: gitlab.Ptr(level)}); err != nil {
				t.Fatal(err)
			}
		}
		clients[name] = webtest.NewClient(t, env)
		clients[name].SignIn(token)
	}
	base := "/" + p.PathWithNamespace
	for name, c := range clients {
		sees := name == "root" || name == "reporter"
		list := c.Get(base + "/-/issues?state=all")
		if list.Status != http.StatusOK {
			t.Fatalf("%s: issue list %d", name, list.Status)
		}
		if got := strings.Contains(list.Body, "Secret plan"); got != sees {
			t.Errorf("%s: the list shows the confidential issue: %v, want %v", name, got, sees)
		}
		want := http.StatusNotFound
		if sees {
			want = http.StatusOK
		}
		if resp := c.Get(base + "/-/issues/9"); resp.Status != want {
			t.Errorf("%s: the confidential issue answered %d, want %d", name, resp.Status, want)
		}
		issue := c.Get(base + "/-/issues/10")
		if got := strings.Contains(issue.Body, "An internal remark"); issue.Status != http.StatusOK || got != sees {
			t.Errorf("%s: issue 10 (%d) shows the internal note: %v, want %v", name, issue.Status, got, sees)
		}
	}
}

package content

import (
	"context"
	"strings"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

func TestContent_DetailedStatus(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ status, icon, text, label string }{
		{"success", "status_success", "Passed", "passed"},
		{"failed", "status_failed", "Failed", "failed"},
		{"scheduled", "status_scheduled", "Delayed", "delayed"},
		{"waiting_for_resource", "status_pending", "Waiting for resource", "waiting for resource"},
		{"manual", "status_manual", "Manual action", "manual action"},
	} {
		got := detailedStatus(tt.status, "/g/p/-/pipelines/1")
		if got.Icon != tt.icon || got.Text != tt.text || got.Label != tt.label || got.Group != tt.status ||
			got.Favicon != "/assets/ci_favicons/favicon_"+tt.icon+".png" {
			t.Errorf("detailedStatus(%s) = %+v", tt.status, got)
		}
	}
}

func TestContent_AccessDescription(t *testing.T) {
	t.Parallel()
	for level, want := range map[int64]string{0: "No one", 30: "Developers + Maintainers", 40: "Maintainers", 60: "Admins"} {
		if got := accessDescription(level); got != want {
			t.Errorf("accessDescription(%d) = %q, want %q", level, got, want)
		}
	}
}

func TestContent_EventActionName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ raw, want string }{
		{`1`, "opened"}, {`3`, "closed"}, {`7`, "accepted"}, {`6`, "commented on"}, {`"commented"`, "commented on"},
		{`4`, "opened"}, {`11`, "removed due to membership expiration from"}, {`99`, "opened"},
	} {
		if got := actionName(eventRecord{Action: []byte(tt.raw)}.action()); got != tt.want {
			t.Errorf("action %s: %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestContent_RenderBadge(t *testing.T) {
	t.Parallel()
	r := New(nil, "https://ferry.example/x")
	p := ferry.Project{ID: 7, Name: "Demo", Path: "demo", DefaultBranch: "main",
		Namespace: ferry.Namespace{Path: "team", FullPath: "team"}}
	for _, tt := range []struct{ in, want string }{
		{"https://ci/%{project_path}/badges/%{default_branch}/pipeline.svg", "https://ci/team/demo/badges/main/pipeline.svg"},
		{"%{gitlab_server}/%{project_id}/%{project_name}/%{project_title}", "ferry.example/7/demo/Demo"},
		{"%{commit_sha}", ""},
		{"http://www.example.com", "http://www.example.com"},
	} {
		if got := r.renderBadge(p, tt.in); got != tt.want {
			t.Errorf("renderBadge(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestContent_JobDuration(t *testing.T) {
	t.Parallel()
	if d := duration("2016-03-22T15:20:35.000Z", "2016-03-22T15:20:45.500Z"); d == nil || *d != 10.5 {
		t.Errorf("duration = %v, want 10.5", d)
	}
	if d := duration("", "2016-03-22T15:20:45.500Z"); d != nil {
		t.Errorf("duration without a start = %v, want null", *d)
	}
}

// TestContent_SnippetSeenBy pins GitLab's ProjectSnippetPolicy: a public
// snippet to everyone, an internal one to the signed-in, a private one to
// the project's members.
func TestContent_SnippetSeenBy(t *testing.T) {
	t.Parallel()
	alice := &ferry.User{ID: 1, Username: "alice"}
	for _, tt := range []struct {
		level   int64
		viewer  Viewer
		want    bool
		whoIsIt string
	}{
		{20, Viewer{}, true, "public, anonymous"},
		{10, Viewer{}, false, "internal, anonymous"},
		{10, Viewer{User: alice}, true, "internal, signed in"},
		{0, Viewer{User: alice}, false, "private, signed in"},
		{0, Viewer{User: alice, Level: ferry.Guest}, true, "private, guest"},
	} {
		if got := (&snippetRecord{VisibilityLevel: tt.level}).seenBy(tt.viewer); got != tt.want {
			t.Errorf("%s: seenBy = %v, want %v", tt.whoIsIt, got, tt.want)
		}
	}
}

// TestContent_DiscussionsGroupNotes pins that a page of discussions
// holds each discussion's notes, oldest first, in the order the
// discussions started.
func TestContent_DiscussionsGroupNotes(t *testing.T) {
	t.Parallel()
	data := `{"title":"x","notes":[
		{"note":"c","discussion_id":"d1","created_at":"2020-01-03T00:00:00Z","type":"DiscussionNote"},
		{"note":"b","discussion_id":"d2","created_at":"2020-01-02T00:00:00Z"},
		{"note":"a","discussion_id":"d1","created_at":"2020-01-01T00:00:00Z","type":"DiscussionNote"},
		{"note":"d","discussion_id":"d3","created_at":"2020-01-04T00:00:00Z"}]}`
	th := &thread{row: store.Issuable{ID: 1, IID: 1, Kind: store.IssueKind}, data: []byte(data),
		seen: func(noteMeta) bool { return true }}
	r := New(nil, "https://ferry.example")
	got, total, err := r.discussions(context.Background(), th, store.Page{Number: 1, PerPage: 2})
	if err != nil || total != 3 || len(got) != 2 {
		t.Fatalf("discussions = %+v, %d, %v; want 2 of 3", got, total, err)
	}
	var shown []string
	for _, d := range got {
		shown = append(shown, d.ID+":")
		for _, n := range d.Notes {
			shown = append(shown, n.Body)
		}
	}
	if s := strings.Join(shown, " "); s != "d1: a c d2: b" {
		t.Errorf("discussions %q, want %q", s, "d1: a c d2: b")
	}
}

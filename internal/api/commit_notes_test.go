package api_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestCommitNotes pins the fixture's two notes on commits (commit_notes),
// the first moved onto a commit of the imported repository, the second
// left on a commit it has not: the commit's comments and discussions
// (lib/api/commits.rb, discussions.rb), and their events, titled by the
// commit and shown only to those who may read the code.
func TestCommitNotes(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	bundle, refs := sourceRepo(t)
	sha, _, _ := strings.Cut(refs, " ") // refs/heads/feature: "two"
	notes, err := os.ReadFile(filepath.Join(fixtureDir(t), "tree/project/commit_notes.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	notes = bytes.Replace(notes, []byte(`"commit_id":"sha-notes"`), []byte(`"commit_id":"`+sha+`"`), 1)
	id := importFinished(t, env, fixtureArchive(t, "0.2.4", map[string][]byte{"project.bundle": bundle,
		"tree/project/commit_notes.ndjson": notes}), map[string]string{"path": "commented", "override_params[visibility]": "private"})
	guestUser, guest, guestToken := newUser(t, env, "guest")
	if _, _, err := env.Root.ProjectMembers.AddProjectMember(id, &gitlab.AddProjectMemberOptions{
		UserID: gitlab.Ptr(guestUser.ID), AccessLevel: gitlab.Ptr(gitlab.GuestPermissions)}); err != nil {
		t.Fatal(err)
	}

	comments, resp, err := env.Root.Commits.GetCommitComments(id, sha, nil)
	if err != nil || resp.TotalItems != 1 || len(comments) != 1 {
		t.Fatalf("comments %d of %d: %v", len(comments), resp.TotalItems, err)
	}
	if c := comments[0]; c.Note != "Commit note 1" || c.Author.Username != "root" || c.Path != "" || c.Line != 0 || c.LineType != "" {
		t.Errorf("comment: %+v", c)
	}
	p := "/api/v4/projects/" + itoa(id) + "/repository/commits/"
	code, body, _ := call(t, env, "GET", p+sha+"/comments", servertest.RootToken, "", "")
	if code != 200 || !strings.Contains(body, `"path":null,"line":null,"line_type":null`) {
		t.Errorf("comments: %d %s", code, body)
	}

	discussions, _, err := env.Root.Discussions.ListCommitDiscussions(id, sha, nil)
	if err != nil || len(discussions) != 1 || len(discussions[0].Notes) != 1 {
		t.Fatalf("discussions %v: %v", discussions, err)
	}
	d := discussions[0]
	if n := d.Notes[0]; d.ID != "e3fde7d585c6467a7a5147e83617eb6daa61aaf4" || !d.IndividualNote || n.Body != "Commit note 1" ||
		n.NoteableType != "Commit" || n.NoteableID != 0 || n.NoteableIID != 0 || n.Author.Username != "root" {
		t.Errorf("discussion %+v, note %+v", d, n)
	}
	one, _, err := env.Root.Discussions.GetCommitDiscussion(id, sha, d.ID)
	if err != nil || one.ID != d.ID || len(one.Notes) != 1 || one.Notes[0].ID != n0(d) {
		t.Errorf("discussion %s: %+v %v", d.ID, one, err)
	}
	code, body, _ = call(t, env, "GET", p+sha+"/discussions", servertest.RootToken, "", "")
	if code != 200 || !strings.Contains(body, `"noteable_id":null,"noteable_type":"Commit"`) || !strings.Contains(body, `"noteable_iid":null`) {
		t.Errorf("discussions: %d %s", code, body)
	}
	checkCalls(t, env, []apiCase{
		{"NoSuchCommit", "GET", p + "sha-notes/comments", servertest.RootToken, "", "", 404, `{"message":"404 Commit Not Found"}`},
		{"NoNotes", "GET", p + "master/comments", servertest.RootToken, "", "", 200, `[]`},
		{"NoSuchDiscussion", "GET", p + sha + "/discussions/abc", servertest.RootToken, "", "", 404,
			`{"message":"404 Discussion Not Found"}`},
		{"GuestReadsNoCode", "GET", p + sha + "/comments", guestToken, "", "", 403, `{"message":"403 Forbidden"}`},
	})

	// Events: "commented on" a Note on a Commit, titled by the commit
	// (null for the commit the repository has not); not for a Guest of a
	// private project, who may not read the code.
	events, _, err := env.Root.Events.ListProjectVisibleEvents(id, &gitlab.ListProjectVisibleEventsOptions{
		TargetType: gitlab.Ptr(gitlab.EventTargetTypeValue("note")), ListOptions: gitlab.ListOptions{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]string{}
	for _, e := range events {
		if e.Note.NoteableType == "Commit" {
			titles[e.Note.Body] = e.TargetTitle
			if e.ActionName != "commented on" || e.TargetType != "Note" || e.TargetID != e.Note.ID || e.Note.NoteableID != 0 {
				t.Errorf("event %+v", e)
			}
		}
	}
	if len(titles) != 2 || titles["Commit note 1"] != "two" || titles["Commit note 2"] != "" {
		t.Errorf("commit note events' titles %q", titles)
	}
	code, body, _ = call(t, env, "GET", "/api/v4/projects/"+itoa(id)+"/events?target_type=note&per_page=100", servertest.RootToken, "", "")
	if code != 200 || !strings.Contains(body, `"target_title":null`) || !strings.Contains(body, `"target_title":"two"`) {
		t.Errorf("events: %d %s", code, body)
	}
	seen, _, err := guest.Events.ListProjectVisibleEvents(id, &gitlab.ListProjectVisibleEventsOptions{
		ListOptions: gitlab.ListOptions{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range seen {
		if e.Note.NoteableType == "Commit" {
			t.Errorf("a Guest sees the event of a note on a commit: %+v", e)
		}
	}
}

func n0(d *gitlab.Discussion) int64 { return d.Notes[0].ID }

package api_test

import (
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// TestProjectEvents pins the fixture's 26 imported events (of its
// milestones, merge requests, a merge request's note and two notes on
// commits): the newest first, paged, filtered by target type and date,
// and hidden from a private project's outsiders.
func TestProjectEvents(t *testing.T) {
	t.Parallel()
	s := setupRecords(t)
	events, resp, err := s.dev.Events.ListProjectVisibleEvents(s.project, &gitlab.ListProjectVisibleEventsOptions{
		ListOptions: gitlab.ListOptions{PerPage: 10}})
	if err != nil || resp.TotalItems != 26 || resp.TotalPages != 3 || len(events) != 10 {
		t.Fatalf("events %d of %d: %v", len(events), resp.TotalItems, err)
	}
	mr, _, err := s.dev.MergeRequests.GetMergeRequest(s.project, 9, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := events[0]; c.TargetType != "Note" || c.Note.NoteableType != "Commit" || c.Note.Body != "Commit note 2" || c.TargetTitle != "" {
		t.Errorf("newest event, of a note on a commit the repository has not: %+v", c)
	}
	note := events[2]
	if note.TargetType != "Note" || note.ActionName != "commented on" || note.TargetIID != 0 ||
		!strings.HasPrefix(note.Note.Body, "In illum maxime") || note.TargetID != note.Note.ID || note.Note.NoteableIID != 5 {
		t.Errorf("note event: %+v", note)
	}
	if e := events[3]; e.TargetType != "MergeRequest" || e.TargetIID != 9 || e.TargetID != mr.ID || e.ActionName != "opened" ||
		e.TargetTitle != mr.Title || e.ProjectID != s.project {
		t.Errorf("newest event: %+v", e)
	}
	milestones, _, err := s.dev.Events.ListProjectVisibleEvents(s.project, &gitlab.ListProjectVisibleEventsOptions{
		TargetType: gitlab.Ptr(gitlab.EventTargetTypeValue("milestone"))})
	if err != nil || len(milestones) != 5 || milestones[0].TargetType != "Milestone" {
		t.Errorf("milestone events %d: %v", len(milestones), err)
	}
	p := "/api/v4/projects/" + itoa(s.project)
	checkCalls(t, s.env, []apiCase{
		{"After", "GET", p + "/events?after=2023-02-10", s.developer, "", "", 200, `[]`},
		{"BadBefore", "GET", p + "/events?before=soon", s.developer, "", "", 400, `{"error":"before is invalid"}`},
		{"Outsider", "GET", p + "/events", s.outsider, "", "", 404, `{"message":"404 Project Not Found"}`},
	})
}

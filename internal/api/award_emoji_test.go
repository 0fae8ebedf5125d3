package api_test

import (
	"slices"
	"testing"
)

// TestAwardEmoji pins the award emoji the fixture's issue 10 and merge
// request 9 hold, listed and read one by one, with GitLab's 404s.
func TestAwardEmoji(t *testing.T) {
	t.Parallel()
	s := setupRecords(t)
	issue, _, err := s.dev.Issues.GetIssue(s.project, 10)
	if err != nil {
		t.Fatal(err)
	}
	awards, resp, err := s.dev.AwardEmoji.ListIssueAwardEmoji(s.project, 10, nil)
	if err != nil || len(awards) != 1 || resp.TotalItems != 1 {
		t.Fatalf("issue 10 awards %d: %v", len(awards), err)
	}
	if a := awards[0]; a.Name != "musical_keyboard" || a.AwardableType != "Issue" || a.AwardableID != issue.ID ||
		a.CreatedAt == nil || a.User.Username != "root" {
		t.Errorf("award: %+v", a)
	}
	mr, _, err := s.dev.AwardEmoji.ListMergeRequestAwardEmoji(s.project, 9, nil)
	names := []string{}
	for _, a := range mr {
		names = append(names, a.Name)
	}
	if err != nil || !slices.Equal(names, []string{"thumbsup", "drum"}) || mr[0].AwardableType != "MergeRequest" {
		t.Fatalf("merge request 9 awards %v: %v", names, err)
	}
	one, _, err := s.dev.AwardEmoji.GetMergeRequestAwardEmoji(s.project, 9, mr[1].ID)
	if err != nil || one.Name != "drum" {
		t.Errorf("award %d: %+v %v", mr[1].ID, one, err)
	}
	p := "/api/v4/projects/" + itoa(s.project)
	checkCalls(t, s.env, []apiCase{
		{"MissingAward", "GET", p + "/issues/10/award_emoji/1", s.developer, "", "", 404, `{"message":"404 Not found"}`},
		{"MissingIssue", "GET", p + "/issues/999/award_emoji", s.developer, "", "", 404, `{"message":"404 Issue Not Found"}`},
		{"Outsider", "GET", p + "/merge_requests/9/award_emoji", s.outsider, "", "", 404, `{"message":"404 Project Not Found"}`},
	})
}

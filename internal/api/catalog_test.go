package api_test

import (
	"slices"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

func TestLabelsAndMilestones_List(t *testing.T) {
	t.Parallel()
	s := setupContent(t)
	labels, resp, err := s.env.Root.Labels.ListLabels(s.project, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range labels {
		names = append(names, l.Name)
	}
	if !slices.Equal(names, fixtureCatalogue.labels) || resp.TotalItems != 3 || labels[0].Color != "#428bca" ||
		labels[0].TextColor != "#FFFFFF" || !labels[0].IsProjectLabel || labels[0].ID == 0 {
		t.Errorf("labels %v (total %d): %+v", names, resp.TotalItems, labels[0])
	}
	if found, _, _ := s.env.Root.Labels.ListLabels(s.project, &gitlab.ListLabelsOptions{Search: gitlab.Ptr("TEST3")}); len(found) != 1 {
		t.Errorf("labels searched for TEST3: %d", len(found))
	}
	milestones, resp, err := s.env.Root.Milestones.ListMilestones(s.project, nil)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, m := range milestones {
		titles = append(titles, m.Title)
	}
	// No due dates: the newest first.
	if !slices.Equal(titles, []string{"v3.0", "v4.0", "test milestone"}) || resp.TotalItems != 3 {
		t.Errorf("milestones %v (total %d)", titles, resp.TotalItems)
	}
	issue, _, err := s.env.Root.Issues.GetIssue(s.project, 10)
	if err != nil || issue.Milestone == nil || issue.Milestone.ID != milestones[2].ID || issue.Milestone.ID == 0 {
		t.Errorf("issue 10's milestone %+v, want id %d", issue.Milestone, milestones[2].ID)
	}
	if one, _, _ := s.env.Root.Milestones.ListMilestones(s.project, &gitlab.ListMilestonesOptions{
		IIDs: &[]int64{5}}); len(one) != 1 || one[0].Title != "v4.0" {
		t.Errorf("milestone iid 5: %+v", one)
	}
	checkCalls(t, s.env, []apiCase{
		{"AnonymousLabels", "GET", "/api/v4/projects/" + itoa(s.project) + "/labels", "", "", "", 401,
			`{"message":"401 Unauthorized"}`},
		{"BadState", "GET", "/api/v4/projects/" + itoa(s.project) + "/milestones?state=open", s.token, "", "", 400,
			`{"error":"state does not have a valid value"}`},
	})
}

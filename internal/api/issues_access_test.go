package api_test

import (
	"slices"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// TestIssues_Confidential pins GitLab's IssuePolicy: a confidential issue
// is hidden (404 alone, left out of lists) from outsiders and Guests of a
// public project, and shown to its Reporters; so is an internal note.
func TestIssues_Confidential(t *testing.T) {
	t.Parallel()
	s := setupContent(t)
	guestUser, guest, _ := newUser(t, s.env, "guest")
	reporterUser, reporter, _ := newUser(t, s.env, "reporter")
	for u, level := range map[int64]gitlab.AccessLevelValue{guestUser.ID: gitlab.GuestPermissions,
		reporterUser.ID: gitlab.ReporterPermissions} {
		if _, _, err := s.env.Root.ProjectMembers.AddProjectMember(s.project, &gitlab.AddProjectMemberOptions{
			UserID: gitlab.Ptr(u), AccessLevel: gitlab.Ptr(level)}); err != nil {
			t.Fatal(err)
		}
	}
	opened := &gitlab.ListProjectIssuesOptions{State: gitlab.Ptr("opened")}
	for _, tt := range []struct {
		name      string
		c         *gitlab.Client
		wantIIDs  []int64
		getStatus int
		notes     int64 // of issue 10
	}{
		{"Outsider", s.outsider, []int64{10, 9, 7, 6, 11}, 404, 7},
		{"Guest", guest, []int64{10, 9, 7, 6, 11}, 404, 7},
		{"Reporter", reporter, []int64{10, 9, 7, 6, 12, 11}, 200, 8},
		{"Admin", s.env.Root, []int64{10, 9, 7, 6, 12, 11}, 200, 8},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, resp, err := tt.c.Issues.ListProjectIssues(s.project, opened)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(issueIIDs(got), tt.wantIIDs) || resp.TotalItems != int64(len(tt.wantIIDs)) {
				t.Errorf("iids %v (total %d), want %v", issueIIDs(got), resp.TotalItems, tt.wantIIDs)
			}
			_, resp, _ = tt.c.Issues.GetIssue(s.project, 12)
			if statusOf(resp) != tt.getStatus {
				t.Errorf("GET issue 12: %d, want %d", statusOf(resp), tt.getStatus)
			}
			_, resp, _ = tt.c.Notes.ListIssueNotes(s.project, 12, nil)
			if statusOf(resp) != tt.getStatus {
				t.Errorf("GET issue 12 notes: %d, want %d", statusOf(resp), tt.getStatus)
			}
			if _, resp, err := tt.c.Notes.ListIssueNotes(s.project, 10, nil); err != nil || resp.TotalItems != tt.notes {
				t.Errorf("issue 10 notes: %d, want %d (%v)", resp.TotalItems, tt.notes, err)
			}
			secret, _, err := tt.c.Issues.ListProjectIssues(s.project, &gitlab.ListProjectIssuesOptions{Confidential: gitlab.Ptr(true)})
			if err != nil || len(secret) != len(tt.wantIIDs)-5 {
				t.Errorf("confidential issues %v: %v", issueIIDs(secret), err)
			}
			all, _, err := tt.c.Issues.ListIssues(&gitlab.ListIssuesOptions{Scope: gitlab.Ptr("all"), State: gitlab.Ptr("opened")})
			if err != nil || !slices.Equal(issueIIDs(all), tt.wantIIDs) {
				t.Errorf("GET /issues?scope=all: %v %v, want %v", issueIIDs(all), err, tt.wantIIDs)
			}
		})
	}
}

// TestIssues_PrivateProject pins that a private project's issues and
// merge requests are 404 Project Not Found to non-members, and missing
// from their lists across projects.
func TestIssues_PrivateProject(t *testing.T) {
	t.Parallel()
	s := setupContent(t)
	if _, _, err := s.env.Root.Projects.EditProject(s.project, &gitlab.EditProjectOptions{
		Visibility: gitlab.Ptr(gitlab.PrivateVisibility)}); err != nil {
		t.Fatal(err)
	}
	p := "/api/v4/projects/" + itoa(s.project)
	notFound := `{"message":"404 Project Not Found"}`
	checkCalls(t, s.env, []apiCase{
		{"Issues", "GET", p + "/issues", s.token, "", "", 404, notFound},
		{"Issue", "GET", p + "/issues/10", s.token, "", "", 404, notFound},
		{"Notes", "GET", p + "/issues/10/notes", s.token, "", "", 404, notFound},
		{"Discussions", "GET", p + "/issues/10/discussions", "", "", "", 404, notFound},
		{"MergeRequests", "GET", p + "/merge_requests", s.token, "", "", 404, notFound},
		{"MergeRequest", "GET", p + "/merge_requests/9", "", "", "", 404, notFound},
		{"AllIssues", "GET", "/api/v4/issues?scope=all", s.token, "", "", 200, `[]`},
		{"AllMergeRequests", "GET", "/api/v4/merge_requests?scope=all", "", "", "", 200, `[]`},
		{"AnonymousMine", "GET", "/api/v4/issues", "", "", "", 401, `{"message":"401 Unauthorized"}`},
	})
	mine, resp, err := s.env.Root.Issues.ListIssues(nil) // created_by_me: root, the importer
	if err != nil || len(mine) != 12 || resp.TotalItems != 12 {
		t.Errorf("root's issues %d (total %d): %v", len(mine), resp.TotalItems, err)
	}
	mrs, _, err := s.env.Root.MergeRequests.ListMergeRequests(&gitlab.ListMergeRequestsOptions{
		SourceBranch: gitlab.Ptr("feature_conflict")})
	if err != nil || len(mrs) != 1 {
		t.Errorf("root's merge requests from feature_conflict: %d %v", len(mrs), err)
	}
}

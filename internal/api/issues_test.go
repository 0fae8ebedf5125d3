package api_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// contentSetup is GitLab's fixture imported as a public project whose
// issue 12 was made confidential and the first note of issue 10 internal,
// and a user outside it.
type contentSetup struct {
	env      *servertest.Env
	project  int64
	outsider *gitlab.Client
	token    string
}

func setupContent(t *testing.T) contentSetup {
	t.Helper()
	env := servertest.Start(t)
	issues, err := os.ReadFile(filepath.Join(fixtureDir(t), "tree/project/issues.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(issues), []byte("\n"))
	last := len(lines) - 1 // iid 12
	lines[last] = bytes.Replace(lines[last], []byte(`"confidential": false`), []byte(`"confidential": true`), 1)
	// and the first note of issue 10 (the first line) internal
	lines[0] = bytes.Replace(lines[0], []byte(`"note":"Quo reprehenderit`), []byte(`"internal":true,"note":"Quo reprehenderit`), 1)
	data := fixtureArchive(t, "0.2.4", map[string][]byte{"tree/project/issues.ndjson": bytes.Join(lines, []byte("\n"))})
	id := importFinished(t, env, data, map[string]string{"path": "content", "override_params[visibility]": "public"})
	_, outsider, token := newUser(t, env, "outsider")
	return contentSetup{env: env, project: id, outsider: outsider, token: token}
}

func iids[T any](items []T, iid func(T) int64) []int64 {
	out := []int64{}
	for _, it := range items {
		out = append(out, iid(it))
	}
	return out
}

func issueIIDs(items []*gitlab.Issue) []int64 {
	return iids(items, func(i *gitlab.Issue) int64 { return i.IID })
}

func TestIssues_List(t *testing.T) {
	t.Parallel()
	s := setupContent(t)
	asc, created := gitlab.Ptr("asc"), gitlab.Ptr("created_at")
	for _, tt := range []struct {
		name string
		opt  gitlab.ListProjectIssuesOptions
		want []int64
	}{
		{"All", gitlab.ListProjectIssuesOptions{}, []int64{10, 9, 8, 7, 6, 5, 4, 12, 11, 3, 2, 1}},
		{"Asc", gitlab.ListProjectIssuesOptions{Sort: asc, OrderBy: created}, []int64{1, 2, 3, 11, 12, 4, 5, 6, 7, 8, 9, 10}},
		{"UpdatedAsc", gitlab.ListProjectIssuesOptions{Sort: asc, OrderBy: gitlab.Ptr("updated_at")},
			[]int64{10, 9, 8, 7, 6, 5, 4, 3, 11, 12, 2, 1}},
		{"Opened", gitlab.ListProjectIssuesOptions{State: gitlab.Ptr("opened")}, []int64{10, 9, 7, 6, 12, 11}},
		{"Closed", gitlab.ListProjectIssuesOptions{State: gitlab.Ptr("closed")}, []int64{8, 5, 4, 3, 2, 1}},
		{"Label", gitlab.ListProjectIssuesOptions{Labels: &gitlab.LabelOptions{"test2"}}, []int64{10, 8}},
		{"Labels", gitlab.ListProjectIssuesOptions{Labels: &gitlab.LabelOptions{"test2", "test3"}}, []int64{10}},
		{"LabelsNone", gitlab.ListProjectIssuesOptions{Labels: &gitlab.LabelOptions{"None"}, State: gitlab.Ptr("closed")},
			[]int64{5, 4, 3, 2, 1}},
		{"Milestone", gitlab.ListProjectIssuesOptions{Milestone: gitlab.Ptr("test milestone")}, []int64{10, 9}},
		{"Search", gitlab.ListProjectIssuesOptions{Search: gitlab.Ptr("voluptatem")}, []int64{10, 4}},
		{"SearchTitle", gitlab.ListProjectIssuesOptions{Search: gitlab.Ptr("voluptatem"), In: gitlab.Ptr("title")}, []int64{10}},
		{"SearchTermsInOneColumn", gitlab.ListProjectIssuesOptions{Search: gitlab.Ptr("voluptate MAGNAM")}, []int64{9}},
		{"SearchShortTermsDropped", gitlab.ListProjectIssuesOptions{Search: gitlab.Ptr("ut voluptatem")}, []int64{10, 4}},
		{"SearchShortIsExact", gitlab.ListProjectIssuesOptions{Search: gitlab.Ptr("ut")}, []int64{}},
		{"SearchInsideWords", gitlab.ListProjectIssuesOptions{Search: gitlab.Ptr("rchitect")}, []int64{7, 1}},
		{"SearchPunctuation", gitlab.ListProjectIssuesOptions{Search: gitlab.Ptr("work_item_type")}, []int64{12, 11, 2}},
		{"SearchQuoted", gitlab.ListProjectIssuesOptions{Search: gitlab.Ptr(`"type by"`)}, []int64{12}},
		{"IIDs", gitlab.ListProjectIssuesOptions{IIDs: &[]int64{1, 2, 99}}, []int64{2, 1}},
		{"NotLabels", gitlab.ListProjectIssuesOptions{NotLabels: &gitlab.LabelOptions{"test3", "test2"}, State: gitlab.Ptr("opened")},
			[]int64{9, 7, 6, 12, 11}},
		{"NotMilestone", gitlab.ListProjectIssuesOptions{NotMilestone: gitlab.Ptr("test milestone"), State: gitlab.Ptr("opened")},
			[]int64{7, 6, 12, 11}},
		{"AuthorUsername", gitlab.ListProjectIssuesOptions{AuthorUsername: gitlab.Ptr("nobody")}, []int64{}},
		{"AssigneeNone", gitlab.ListProjectIssuesOptions{AssigneeID: gitlab.AssigneeID(gitlab.UserIDNone), State: gitlab.Ptr("opened")},
			[]int64{9, 7, 6, 12, 11}},
		{"CreatedAfter", gitlab.ListProjectIssuesOptions{CreatedAfter: gitlab.Ptr(mustTime(t, "2016-06-14T15:02:08Z"))},
			[]int64{10, 9, 8, 7}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, resp, err := s.env.Root.Issues.ListProjectIssues(s.project, &tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(issueIIDs(got), tt.want) || resp.TotalItems != int64(len(tt.want)) {
				t.Errorf("iids %v (total %d), want %v", issueIIDs(got), resp.TotalItems, tt.want)
			}
		})
	}
}

func TestIssues_Pagination(t *testing.T) {
	t.Parallel()
	s := setupContent(t)
	got, resp, err := s.env.Root.Issues.ListProjectIssues(s.project, &gitlab.ListProjectIssuesOptions{
		ListOptions: gitlab.ListOptions{Page: 2, PerPage: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(issueIIDs(got), []int64{5, 4, 12, 11, 3}) || resp.TotalItems != 12 || resp.TotalPages != 3 ||
		resp.NextPage != 3 || resp.PreviousPage != 1 {
		t.Errorf("page 2: %v total %d pages %d next %d prev %d", issueIIDs(got), resp.TotalItems, resp.TotalPages,
			resp.NextPage, resp.PreviousPage)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestIssues_Get(t *testing.T) {
	t.Parallel()
	s := setupContent(t)
	issue, _, err := s.env.Root.Issues.GetIssue(s.project, 10)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's users are not on this server: every user reference
	// became the importer (root), as GitLab maps them.
	if issue.Title != "Voluptatem" || issue.Description != "Aliquam enim illo et possimus." || issue.State != "opened" ||
		!slices.Equal(issue.Labels, gitlab.Labels{"test2", "test3"}) || issue.Milestone == nil ||
		issue.Milestone.Title != "test milestone" || issue.Author == nil || issue.Author.Username != "root" ||
		len(issue.Assignees) != 1 || issue.Assignee == nil || issue.Assignee.ID != 1 || issue.UserNotesCount != 8 ||
		issue.ProjectID != s.project || issue.IssueType == nil || *issue.IssueType != "issue" ||
		issue.WebURL != s.env.URL+"/root/content/-/issues/10" || issue.References.Full != "root/content#10" {
		t.Errorf("issue 10: %+v", issue)
	}
	detailed, _, err := s.env.Root.Issues.ListProjectIssues(s.project, &gitlab.ListProjectIssuesOptions{
		IIDs: &[]int64{10}, WithLabelDetails: gitlab.Ptr(true)})
	if err != nil || len(detailed) != 1 || len(detailed[0].LabelDetails) != 2 || detailed[0].LabelDetails[1].Name != "test3" ||
		detailed[0].LabelDetails[1].ID == 0 || detailed[0].LabelDetails[1].TextColor != "#FFFFFF" {
		t.Errorf("issue 10 with label details: %+v %v", detailed, err)
	}
	if task, _, _ := s.env.Root.Issues.GetIssue(s.project, 5); task == nil || *task.IssueType != "task" {
		t.Errorf("issue 5 (a task by its work item type): %+v", task)
	}
	checkCalls(t, s.env, []apiCase{
		{"Missing", "GET", "/api/v4/projects/" + itoa(s.project) + "/issues/99", servertest.RootToken, "", "", 404,
			`{"message":"404 Issue Not Found"}`},
		{"NotANumber", "GET", "/api/v4/projects/" + itoa(s.project) + "/issues/x", servertest.RootToken, "", "", 400,
			`{"error":"issue_iid is invalid"}`},
		{"BadState", "GET", "/api/v4/projects/" + itoa(s.project) + "/issues?state=open", servertest.RootToken, "", "", 400,
			`{"error":"state does not have a valid value"}`},
		{"MissingMR", "GET", "/api/v4/projects/" + itoa(s.project) + "/merge_requests/99/notes", servertest.RootToken, "", "",
			404, `{"message":"404 Merge Request Not Found"}`},
	})
}

func TestIssues_NotesAndDiscussions(t *testing.T) {
	t.Parallel()
	s := setupContent(t)
	notes, resp, err := s.env.Root.Notes.ListIssueNotes(s.project, 10, &gitlab.ListIssueNotesOptions{
		ListOptions: gitlab.ListOptions{PerPage: 3}, Sort: gitlab.Ptr("asc")})
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 3 || resp.TotalItems != 8 || resp.TotalPages != 3 {
		t.Fatalf("notes %d total %d pages %d", len(notes), resp.TotalItems, resp.TotalPages)
	}
	n := notes[0]
	if n.Body != "Quo reprehenderit aliquam qui dicta impedit cupiditate eligendi." || n.NoteableType != "Issue" ||
		n.NoteableIID != 10 || n.Author.Username != "root" || n.System || n.ID == 0 || n.CreatedAt == nil {
		t.Errorf("first note %+v", n)
	}
	discussions, resp, err := s.env.Root.Discussions.ListIssueDiscussions(s.project, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(discussions) != 8 || resp.TotalItems != 8 || !discussions[0].IndividualNote || len(discussions[0].Notes) != 1 ||
		len(discussions[0].ID) != 40 || discussions[0].Notes[0].ID != n.ID {
		t.Errorf("discussions %d (total %d): %+v", len(discussions), resp.TotalItems, discussions[0])
	}
	if one, _, err := s.env.Root.Notes.GetIssueNote(s.project, 10, n.ID); err != nil || one.Body != n.Body {
		t.Errorf("note %d: %+v %v", n.ID, one, err)
	}
	if d, _, err := s.env.Root.Discussions.GetIssueDiscussion(s.project, 10, discussions[0].ID); err != nil ||
		len(d.Notes) != 1 || d.Notes[0].ID != n.ID {
		t.Errorf("discussion %s: %+v %v", discussions[0].ID, d, err)
	}
	issue := "/api/v4/projects/" + itoa(s.project) + "/issues/10"
	checkCalls(t, s.env, []apiCase{
		{"NoNote", "GET", issue + "/notes/1", servertest.RootToken, "", "", 404, `{"message":"404 Not found"}`},
		{"NoDiscussion", "GET", issue + "/discussions/abc", servertest.RootToken, "", "", 404,
			`{"message":"404 Discussion Not Found"}`},
		{"BadNoteID", "GET", issue + "/notes/x", servertest.RootToken, "", "", 400, `{"error":"note_id is invalid"}`},
	})
	mrNotes, resp, err := s.env.Root.Notes.ListMergeRequestNotes(s.project, 9, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(mrNotes) != 10 || resp.TotalItems != 10 || mrNotes[0].NoteableType != "MergeRequest" {
		t.Errorf("merge request 9 notes %d (total %d)", len(mrNotes), resp.TotalItems)
	}
	mrDiscussions, _, err := s.env.Root.Discussions.ListMergeRequestDiscussions(s.project, 9, nil)
	if err != nil || len(mrDiscussions) != 10 {
		t.Errorf("merge request 9 discussions %d: %v", len(mrDiscussions), err)
	}
}

func mrIIDs(items []*gitlab.BasicMergeRequest) []int64 {
	return iids(items, func(m *gitlab.BasicMergeRequest) int64 { return m.IID })
}

func TestMergeRequests_List(t *testing.T) {
	t.Parallel()
	s := setupContent(t)
	for _, tt := range []struct {
		name string
		opt  gitlab.ListProjectMergeRequestsOptions
		want []int64
	}{
		{"All", gitlab.ListProjectMergeRequestsOptions{}, []int64{9, 8, 7, 6, 5, 4, 3, 2, 1}},
		{"Opened", gitlab.ListProjectMergeRequestsOptions{State: gitlab.Ptr("opened")}, []int64{9, 8, 7, 6, 5, 4, 3, 2, 1}},
		{"Merged", gitlab.ListProjectMergeRequestsOptions{State: gitlab.Ptr("merged")}, []int64{}},
		{"SourceBranch", gitlab.ListProjectMergeRequestsOptions{SourceBranch: gitlab.Ptr("feature_conflict")}, []int64{9}},
		{"TargetBranch", gitlab.ListProjectMergeRequestsOptions{TargetBranch: gitlab.Ptr("feature")}, []int64{9, 2}},
		{"IIDs", gitlab.ListProjectMergeRequestsOptions{IIDs: &[]int64{3, 4}, Sort: gitlab.Ptr("asc")}, []int64{3, 4}},
		{"SearchShortIsExact", gitlab.ListProjectMergeRequestsOptions{Search: gitlab.Ptr("mr1")}, []int64{9}},
		{"SearchShortIsNotPartial", gitlab.ListProjectMergeRequestsOptions{Search: gitlab.Ptr("MR")}, []int64{}},
		{"SearchTermsInOneColumn", gitlab.ListProjectMergeRequestsOptions{Search: gitlab.Ptr("similique voluptatem")}, []int64{5}},
		{"SearchInsideWords", gitlab.ListProjectMergeRequestsOptions{Search: gitlab.Ptr("ill")}, []int64{6, 5, 3, 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, resp, err := s.env.Root.MergeRequests.ListProjectMergeRequests(s.project, &tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(mrIIDs(got), tt.want) || resp.TotalItems != int64(len(tt.want)) {
				t.Errorf("iids %v (total %d), want %v", mrIIDs(got), resp.TotalItems, tt.want)
			}
		})
	}
	_, body, _ := call(t, s.env, "GET", "/api/v4/projects/"+itoa(s.project)+"/merge_requests?view=simple&per_page=1",
		servertest.RootToken, "", "")
	if want := `[{"id":13,"iid":9,"project_id":` + itoa(s.project) + `,"title":"MR1","description":null,"state":"opened",` +
		`"created_at":"2016-06-14T15:02:36.568Z","updated_at":"2016-06-14T15:02:56.815Z","web_url":"` + s.env.URL +
		`/root/content/-/merge_requests/9"}]`; body != want {
		t.Errorf("view=simple:\n%s\nwant\n%s", body, want)
	}
	mr, _, err := s.env.Root.MergeRequests.GetMergeRequest(s.project, 9, nil)
	if err != nil {
		t.Fatal(err)
	}
	if mr.Title != "MR1" || mr.SourceBranch != "feature_conflict" || mr.TargetBranch != "feature" || mr.State != "opened" ||
		mr.Author == nil || mr.Author.Username != "root" || mr.UserNotesCount != 8 || mr.References.Short != "!9" ||
		mr.WebURL != s.env.URL+"/root/content/-/merge_requests/9" || !mr.MergeWhenPipelineSucceeds ||
		mr.ChangesCount != "9" || mr.DiffRefs.BaseSha != "ae73cb07c9eeaf35924a10f713b364d32b2dd34f" || !mr.User.CanMerge {
		t.Errorf("merge request 9: %+v", mr)
	}
}

func TestIssues_PythonGitlab(t *testing.T) {
	t.Parallel()
	python := needPythonGitlab(t)
	s := setupContent(t)
	cmd := exec.Command(python, "testdata/python_gitlab_issues.py", s.env.URL, servertest.RootToken, itoa(s.project))
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := `{"opened": [10, 9, 7, 6, 12, 11], "labelled": [10, 8], "title": "Voluptatem", "author": "root", "notes": 8, ` +
		`"discussions": 8, "merge_requests": [9, 8, 7, 6, 5, 4, 3, 2, 1], "mr_source": "feature_conflict", "mr_notes": 10, ` +
		`"all_issues": 12}`
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("python-gitlab saw\n%s\nwant\n%s", got, want)
	}
}

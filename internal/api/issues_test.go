package api_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// contentSetup is GitLab's fixture imported as a public project whose
// issue 12 was made confidential, and a user outside it.
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
	lines[last] = bytes.Replace(lines[last], []byte(`"confidential":false`), []byte(`"confidential":true`), 1)
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
		{"IIDs", gitlab.ListProjectIssuesOptions{IIDs: &[]int64{1, 2, 99}}, []int64{2, 1}},
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

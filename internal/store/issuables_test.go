package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestStore_ListIssuables pins the read model's filters, including label
// titles and search text holding LIKE's wildcards, and that a project's
// rows go with it.
func TestStore_ListIssuables(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	u := newUser(t, db, "alice")
	p := newProject(t, db, u)
	row := func(iid int64, state, title string, labels []string, assignees []int64, confidential bool) store.Issuable {
		at := "2020-01-0" + string(rune('0'+iid)) + "T00:00:00.000Z"
		return store.Issuable{ProjectID: p.ID, Kind: store.IssueKind, IID: iid, Position: iid - 1, State: state,
			Title: title, Labels: labels, AssigneeIDs: assignees, Confidential: confidential, AuthorID: u.ID,
			CreatedAt: at, UpdatedAt: at}
	}
	rows := []store.Issuable{
		row(1, "opened", "100% done", []string{"a_b", "c"}, nil, false),
		row(2, "reopened", "plain", []string{"axb"}, []int64{7}, false),
		row(3, "closed", "secret", nil, []int64{7, 8}, true),
	}
	rows[0].DueDate, rows[1].DueDate = "2021-02-01", "2021-01-01"
	if err := db.InsertIssuables(ctx, rows); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		f    store.IssuableFilter
		want []int64
	}{
		{"All", store.IssuableFilter{}, []int64{3, 2, 1}},
		{"OpenedHasReopened", store.IssuableFilter{State: "opened"}, []int64{2, 1}},
		{"LabelWithUnderscore", store.IssuableFilter{Labels: []string{"a_b"}}, []int64{1}},
		{"LabelsAll", store.IssuableFilter{Labels: []string{"a_b", "axb"}}, []int64{}},
		{"LabelsNone", store.IssuableFilter{LabelsNone: true}, []int64{3}},
		{"SearchPercent", store.IssuableFilter{Search: "00%"}, []int64{1}},
		{"SearchShortIsExact", store.IssuableFilter{Search: "0%"}, []int64{}},
		{"Assignee", store.IssuableFilter{Assignee: "7"}, []int64{3, 2}},
		{"AssigneeNone", store.IssuableFilter{Assignee: "None"}, []int64{1}},
		{"Hidden", store.IssuableFilter{Viewer: 99}, []int64{2, 1}},
		{"Assigned", store.IssuableFilter{Viewer: 8}, []int64{3, 2, 1}},
		{"Reporter", store.IssuableFilter{Viewer: 99, SeeConfidential: true}, []int64{3, 2, 1}},
		{"CreatedAfter", store.IssuableFilter{CreatedAfter: "2020-01-02T00:00:00.000Z", Sort: "asc"}, []int64{2, 3}},
		{"NotLabels", store.IssuableFilter{Not: &store.IssuableFilter{Labels: []string{"c", "axb"}}}, []int64{3}},
		{"NotAssignee", store.IssuableFilter{Not: &store.IssuableFilter{Assignee: "8", IIDs: []int64{1}}}, []int64{2}},
		{"NotMilestone", store.IssuableFilter{Not: &store.IssuableFilter{Milestone: "m"}}, []int64{3, 2, 1}},
		{"DueDateNoneLast", store.IssuableFilter{OrderBy: "due_date", Sort: "asc"}, []int64{2, 1, 3}},
		{"DueDateDescNoneLast", store.IssuableFilter{OrderBy: "due_date"}, []int64{1, 2, 3}},
		{"Page", store.IssuableFilter{Page: store.Page{Number: 2, PerPage: 2}}, []int64{1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.f
			f.Kind, f.ProjectID, f.Admin = store.IssueKind, p.ID, f.Viewer == 0 // an administrator sees all
			if f.Page.PerPage == 0 {
				f.Page = store.Page{Number: 1, PerPage: 20}
			}
			got, total, err := db.ListIssuables(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var iids []int64
			for _, r := range got {
				iids = append(iids, r.IID)
			}
			if !slices.Equal(iids, tt.want) && !(len(iids) == 0 && len(tt.want) == 0) {
				t.Errorf("iids %v (total %+v), want %v", iids, total, tt.want)
			}
		})
	}
	if err := db.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.IssuableByIID(ctx, p.ID, store.IssueKind, 1); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("a deleted project's issue: %v, want ErrNotFound", err)
	}
}

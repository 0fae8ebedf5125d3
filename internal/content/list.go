package content

import (
	"context"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/store"
)

// Filter selects issues or merge requests (see store.IssuableFilter);
// the lists fill in Kind and who may see what from the Viewer.
type Filter = store.IssuableFilter

// Viewer is who reads: the caller (nil when anonymous) and, within one
// project, the caller's access level on it.
type Viewer struct {
	User  *ferry.User
	Level ferry.AccessLevel
}

func (v Viewer) restrict(f *Filter) {
	f.Viewer, f.Admin = 0, auth.IsAdmin(v.User)
	if v.User != nil {
		f.Viewer = v.User.ID
	}
	f.SeeConfidential = f.ProjectID != 0 && auth.CanReadConfidential(v.User, v.Level)
}

// Issues returns the page of issues f selects that v may see, and their
// total (counted up to f.CountLimit). With f.ProjectID 0 it lists across
// the projects v may read.
func (r *Reader) Issues(ctx context.Context, v Viewer, f Filter) ([]Issue, store.ListTotal, error) {
	return list(ctx, r, v, f, store.IssueKind, r.issue)
}

// MergeRequests returns the page of merge requests f selects, and their
// total, as Issues does.
func (r *Reader) MergeRequests(ctx context.Context, v Viewer, f Filter) ([]MergeRequest, store.ListTotal, error) {
	return list(ctx, r, v, f, store.MergeRequestKind, r.mergeRequest)
}

func list[T any](ctx context.Context, r *Reader, v Viewer, f Filter, kind string,
	show func(context.Context, *lookups, store.Issuable) (T, error)) ([]T, store.ListTotal, error) {
	f.Kind = kind
	v.restrict(&f)
	rows, total, err := r.db.ListIssuables(ctx, f)
	if err != nil {
		return nil, total, err
	}
	l, out := r.lookups(), make([]T, 0, len(rows))
	for _, row := range rows {
		e, err := show(ctx, l, row)
		if err != nil {
			return nil, total, err
		}
		out = append(out, e)
	}
	return out, total, nil
}

// Issue returns issue iid of project p. Returns ferry.ErrNotFound if there
// is none or v may not see it (a confidential issue).
func (r *Reader) Issue(ctx context.Context, v Viewer, p ferry.Project, iid int64) (Issue, error) {
	row, err := r.row(ctx, v, p, store.IssueKind, iid)
	if err != nil {
		return Issue{}, err
	}
	return r.issue(ctx, r.lookups(), row)
}

// MergeRequest returns merge request iid of project p. Returns
// ferry.ErrNotFound if there is none.
func (r *Reader) MergeRequest(ctx context.Context, v Viewer, p ferry.Project, iid int64) (MergeRequestDetail, error) {
	row, err := r.row(ctx, v, p, store.MergeRequestKind, iid)
	if err != nil {
		return MergeRequestDetail{}, err
	}
	return r.detail(ctx, r.lookups(), v, row)
}

// row is the index row of p's issuable iid, if v may see it.
func (r *Reader) row(ctx context.Context, v Viewer, p ferry.Project, kind string, iid int64) (store.Issuable, error) {
	row, err := r.db.IssuableByIID(ctx, p.ID, kind, iid)
	if err != nil {
		return row, err
	}
	if kind == store.IssueKind && !auth.CanReadIssue(v.User, v.Level, row.Confidential, row.AuthorID, row.AssigneeIDs) {
		return row, ferry.ErrNotFound
	}
	return row, nil
}

package store

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
)

// IssuableFilter selects issues or merge requests for ListIssuables.
// Empty fields select everything.
type IssuableFilter struct {
	Kind string
	// ProjectID keeps one project's; 0 keeps those of every project the
	// viewer may read (public ones, internal ones when signed in, those
	// the viewer is a member of; all for an administrator).
	ProjectID int64
	Viewer    int64 // 0 for anonymous
	Admin     bool
	// Confidential issues are kept when SeeConfidential is set (a Reporter
	// of ProjectID), or for their author and assignees; across projects,
	// also where the viewer is a Reporter.
	SeeConfidential bool
	// Not drops what its labels, milestone, author, assignee and iids
	// select (GitLab's not[...]): each of them on its own.
	Not *IssuableFilter
	// Confidential, when set, keeps the confidential issues or the others.
	Confidential *bool
	// State is opened (reopened too), closed, merged or locked.
	State string
	IIDs  []int64
	// Labels must all be on an issuable; LabelsNone keeps those without
	// any, LabelsAny those with some.
	Labels     []string
	LabelsNone bool
	LabelsAny  bool
	// Milestone is a title, or "None" / "Any".
	Milestone string
	AuthorID  int64
	// Assignee is a user id, or "None" / "Any".
	Assignee string
	// Search is text in the title or description (any letter case);
	// SearchIn limits it to "title" or "description".
	Search   string
	SearchIn string
	// CountLimit, when not 0, is how far ListIssuables counts (GitLab's
	// offset pagination counts at most 10,000).
	CountLimit                  int
	CreatedAfter, CreatedBefore string
	UpdatedAfter, UpdatedBefore string
	SourceBranch, TargetBranch  string
	OrderBy                     string // created_at, updated_at, title, due_date
	Sort                        string // asc or desc (default)
	Page                        Page
}

var issuableOrder = map[string]string{"created_at": "i.created_at", "updated_at": "i.updated_at",
	"title": "lower(i.title)", "due_date": "i.due_date"}

// reporterOf is true when the viewer (first arg) is at least a Reporter
// of project p: its namespace's owner, a Reporter+ member of it, or of its
// group or one of the group's ancestors.
const reporterOf = `(n.owner_id = ?
	OR EXISTS (SELECT 1 FROM members m WHERE m.user_id = ? AND m.source_kind = 'Project' AND m.source_id = p.id
		AND m.access_level >= 20 AND (m.expires_at IS NULL OR m.expires_at >= ?))
	OR EXISTS (SELECT 1 FROM members m JOIN namespaces g ON g.id = m.source_id
		WHERE m.user_id = ? AND m.source_kind = 'Namespace' AND m.access_level >= 20
		AND (m.expires_at IS NULL OR m.expires_at >= ?)
		AND (g.id = n.id OR substr(n.full_path, 1, length(g.full_path) + 1) = g.full_path || '/')))`

// conds is a WHERE clause being built, and what the list reads first
// when not the issuables (drive, "<table> <alias> CROSS JOIN ").
type conds struct {
	where     []string
	args      []any
	drive     string
	driveArgs []any
}

func (c *conds) add(cond string, args ...any) {
	c.where = append(c.where, cond)
	c.args = append(c.args, args...)
}

// likeEscape escapes LIKE's wildcards in s (the escape is '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// access adds who may see what: the projects and, for issues, the
// confidential ones.
func (f IssuableFilter) access(c *conds) {
	if f.ProjectID != 0 {
		c.add("i.project_id = ?", f.ProjectID)
	} else {
		switch {
		case f.Admin:
		case f.Viewer == 0:
			c.add("p.visibility = 'public'")
		default:
			c.add("(p.visibility IN ('public', 'internal') OR "+memberOf+")", memberArgs(f.Viewer)...)
		}
	}
	if f.Kind != IssueKind || f.Admin || f.SeeConfidential {
		return
	}
	if f.Viewer == 0 {
		c.add("i.confidential = ?", false)
		return
	}
	cond := "(i.confidential = ? OR i.author_id = ? OR i.assignee_ids LIKE ?"
	args := []any{false, f.Viewer, "%," + strconv.FormatInt(f.Viewer, 10) + ",%"}
	if f.ProjectID == 0 {
		cond += " OR " + reporterOf
		args = append(args, memberArgs(f.Viewer)...)
	}
	c.add(cond+")", args...)
}

// conditions is f's WHERE clause.
func (f IssuableFilter) conditions() conds {
	c := conds{}
	c.add("i.kind = ?", f.Kind)
	f.access(&c)
	switch f.State {
	case "":
	case "opened":
		c.add("i.state IN ('opened', 'reopened')")
	default:
		c.add("i.state = ?", f.State)
	}
	if f.Confidential != nil {
		c.add("i.confidential = ?", *f.Confidential)
	}
	if len(f.IIDs) > 0 {
		c.add("i.iid IN (?"+strings.Repeat(", ?", len(f.IIDs)-1)+")", anySlice(f.IIDs)...)
	}
	f.labelConditions(&c)
	f.peopleConditions(&c)
	if f.Not != nil {
		f.Not.negated(&c)
	}
	for _, t := range []struct {
		cond, value string
	}{{"i.created_at >= ?", f.CreatedAfter}, {"i.created_at <= ?", f.CreatedBefore},
		{"i.updated_at >= ?", f.UpdatedAfter}, {"i.updated_at <= ?", f.UpdatedBefore},
		{"i.source_branch = ?", f.SourceBranch}, {"i.target_branch = ?", f.TargetBranch}} {
		if t.value != "" {
			c.add(t.cond, t.value)
		}
	}
	return c
}

// negated adds the negation of each of f's label, milestone, people and
// iid conditions.
func (f IssuableFilter) negated(c *conds) {
	n := conds{}
	if len(f.IIDs) > 0 {
		n.add("i.iid IN (?"+strings.Repeat(", ?", len(f.IIDs)-1)+")", anySlice(f.IIDs)...)
	}
	f.labelConditions(&n) // one condition per label: without any of them
	f.peopleConditions(&n)
	args := n.args
	for _, cond := range n.where {
		k := strings.Count(cond, "?")
		c.add("NOT ("+cond+")", args[:k]...)
		args = args[k:]
	}
}

func (f IssuableFilter) labelConditions(c *conds) {
	for _, l := range f.Labels {
		c.add(`i.labels LIKE ? ESCAPE '\'`, "%,"+likeEscape(l)+",%")
	}
	if f.LabelsNone {
		c.add("i.labels = ''")
	}
	if f.LabelsAny {
		c.add("i.labels <> ''")
	}
	switch f.Milestone {
	case "":
	case "None":
		c.add("i.milestone IS NULL")
	case "Any":
		c.add("i.milestone IS NOT NULL")
	default:
		c.add("COALESCE(i.milestone, '') = ?", f.Milestone) // NULL-safe, so that NOT keeps those without
	}
}

func (f IssuableFilter) peopleConditions(c *conds) {
	if f.AuthorID != 0 {
		c.add("COALESCE(i.author_id, 0) = ?", f.AuthorID)
	}
	switch f.Assignee {
	case "":
	case "None":
		c.add("i.assignee_ids = ''")
	case "Any":
		c.add("i.assignee_ids <> ''")
	default:
		c.add("i.assignee_ids LIKE ?", "%,"+f.Assignee+",%")
	}
}

// ListTotal is how many items a list selects: N, or, when Over, more
// than the filter's CountLimit (N is then not counted), Next and Prev
// telling whether a page follows or precedes the one returned (as Kaminari
// without a count: neither for an empty page).
type ListTotal struct {
	N          int
	Over       bool
	Next, Prev bool
}

// ListIssuables returns the page of rows f selects and their total. With
// f.CountLimit, it counts no further than that, and not at all when the
// page shows the total (its last row is past the limit, or no row
// follows it).
func (q queries) ListIssuables(ctx context.Context, f IssuableFilter) ([]Issuable, ListTotal, error) {
	c := f.conditions()
	if f.Search != "" {
		if err := q.searchConditions(ctx, f, &c); err != nil {
			return nil, ListTotal{}, err
		}
	}
	from := ` FROM ` + c.drive + `issuables i JOIN projects p ON p.id = i.project_id JOIN namespaces n ON n.id = p.namespace_id WHERE ` +
		strings.Join(c.where, " AND ")
	c.args = append(c.driveArgs, c.args...)
	if f.CountLimit <= 0 {
		var total int
		if err := q.queryRow(ctx, `SELECT count(*)`+from, c.args...).Scan(&total); err != nil {
			return nil, ListTotal{}, mapError(err)
		}
		list, err := q.issuablePage(ctx, f, from, c.args, f.Page.Limit())
		return list, ListTotal{N: total}, err
	}
	list, err := q.issuablePage(ctx, f, from, c.args, f.Page.Limit()+1)
	if err != nil {
		return nil, ListTotal{}, err
	}
	more := len(list) > f.Page.Limit()
	list = list[:min(len(list), f.Page.Limit())]
	off, limit := f.Page.Offset(), f.CountLimit
	switch {
	case len(list) > 0 && !more:
		if n := off + len(list); n <= limit {
			return list, ListTotal{N: n}, nil
		}
		return list, ListTotal{Over: true, Prev: off > 0}, nil
	case len(list) > 0 && off+len(list) >= limit:
		return list, ListTotal{Over: true, Next: true, Prev: off > 0}, nil
	case len(list) == 0 && off == 0:
		return list, ListTotal{}, nil
	}
	var n int
	if err := q.queryRow(ctx, `SELECT count(*) FROM (SELECT 1`+from+` LIMIT ?) l`,
		append(c.args, limit+1)...).Scan(&n); err != nil {
		return nil, ListTotal{}, mapError(err)
	}
	if n > limit {
		return list, ListTotal{Over: true, Next: more, Prev: off > 0 && len(list) > 0}, nil
	}
	return list, ListTotal{N: n}, nil
}

// issuablePage reads up to limit rows of f's page.
func (q queries) issuablePage(ctx context.Context, f IssuableFilter, from string, args []any, limit int) ([]Issuable, error) {
	order, ok := issuableOrder[f.OrderBy]
	if !ok {
		order = "i.created_at"
	}
	dir := "DESC"
	if strings.EqualFold(f.Sort, "asc") {
		dir = "ASC"
	}
	if f.OrderBy == "due_date" {
		order = "(i.due_date IS NULL), " + order // none last either way, as GitLab, on both dialects
	}
	// The page's ids first, which an index of the order and the filtered
	// columns answers alone (migration 0013), then the rows of those only:
	// a deep page skips index entries, not rows.
	orderBy := ` ORDER BY ` + order + ` ` + dir + `, i.id ` + dir
	rows, err := q.query(ctx, `SELECT `+issuableColumns+` FROM issuables i JOIN (SELECT i.id`+from+orderBy+
		` LIMIT ? OFFSET ?) pg ON pg.id = i.id`+orderBy, append(slices.Clip(args), limit, f.Page.Offset())...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanIssuable)
}

// IssuableByIID returns the row of project's issuable of kind with iid
// (the first stored, should an archive repeat an iid). Returns
// ErrNotFound if there is none.
func (q queries) IssuableByIID(ctx context.Context, projectID int64, kind string, iid int64) (Issuable, error) {
	rows, err := q.query(ctx, `SELECT `+issuableColumns+` FROM issuables i
		WHERE i.project_id = ? AND i.kind = ? AND i.iid = ? ORDER BY i.position LIMIT 1`, projectID, kind, iid)
	if err != nil {
		return Issuable{}, err
	}
	list, err := collect(rows, scanIssuable)
	if err != nil {
		return Issuable{}, err
	}
	if len(list) == 0 {
		return Issuable{}, ferry.ErrNotFound
	}
	return list[0], nil
}

func anySlice[T any](items []T) []any {
	out := make([]any, len(items))
	for i, v := range items {
		out[i] = v
	}
	return out
}

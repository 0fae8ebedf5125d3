package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/ferryhq/ferry"
)

// GroupFilter selects groups for ListGroups, as GitLab's GroupsFinder
// does.
type GroupFilter struct {
	// Viewer is who is asking (0 for anonymous, who sees public groups
	// only); Admin with AllAvailable sees every group.
	Viewer int64
	Admin  bool
	// AllAvailable adds the public and internal groups to those the
	// viewer is authorized for (member of a group or of a descendant,
	// member of a project in it).
	AllAvailable bool
	// Owned keeps only the groups the viewer is a direct Owner of;
	// MinAccessLevel (when Owned is false) the groups the viewer is a
	// direct member of with at least that level, and their descendants.
	Owned          bool
	MinAccessLevel ferry.AccessLevel
	// ParentID keeps the children of one group; TopLevelOnly the groups
	// without a parent.
	ParentID     int64
	TopLevelOnly bool
	SkipIDs      []int64
	Visibility   string
	// Search matches the full path or full name (a part of them from 3
	// characters, all of one below).
	Search  string
	OrderBy string // name, path or id
	Sort    string // asc or desc
	Page    Page
}

// isUnder is true when the namespace x is a descendant of the namespace y.
func isUnder(x, y string) string {
	return "substr(" + x + ".full_path, 1, length(" + y + ".full_path) + 1) = " + y + ".full_path || '/'"
}

// groupMember is true when the viewer (first arg) has an unexpired direct
// membership of at least a level (third arg) in a group a related to n by
// rel.
func groupMember(rel string) string {
	return `EXISTS (SELECT 1 FROM members m JOIN namespaces a ON a.id = m.source_id
		WHERE m.user_id = ? AND m.source_kind = 'Namespace' AND (m.expires_at IS NULL OR m.expires_at >= ?)
		AND m.access_level >= ? AND (` + rel + `))`
}

// authorizedGroup is true when the viewer is authorized for n or one of
// its descendants: a member of it, of an ancestor or of a descendant, or a
// member of a project in it or in a descendant (args: viewer, today,
// viewer, today).
var authorizedGroup = `(` + groupMember(`a.id = n.id OR `+isUnder("n", "a")+` OR `+isUnder("a", "n")) + `
	OR EXISTS (SELECT 1 FROM members m JOIN projects p ON p.id = m.source_id JOIN namespaces a ON a.id = p.namespace_id
		WHERE m.user_id = ? AND m.source_kind = 'Project' AND (m.expires_at IS NULL OR m.expires_at >= ?)
		AND (a.id = n.id OR ` + isUnder("a", "n") + `)))`

var groupOrder = map[string]string{"name": "lower(n.name)", "path": "lower(n.path)", "id": "n.id"}

// ListGroups returns the page of groups f selects and their total.
func (q queries) ListGroups(ctx context.Context, f GroupFilter) ([]ferry.Namespace, int, error) {
	where, args := []string{"n.kind = 'group'"}, []any{}
	add := func(cond string, a ...any) { where, args = append(where, cond), append(args, a...) }
	today := todayUTC()
	switch {
	case f.Owned:
		add(groupMember("a.id = n.id"), f.Viewer, today, ferry.Owner)
	case f.MinAccessLevel > 0 && f.Viewer > 0:
		add(groupMember("a.id = n.id OR "+isUnder("n", "a")), f.Viewer, today, f.MinAccessLevel)
	case f.Viewer == 0:
		add("n.visibility = 'public'")
	case f.Admin && f.AllAvailable:
	case f.AllAvailable:
		add("(n.visibility IN ('public', 'internal') OR "+authorizedGroup+")", f.Viewer, today, 0, f.Viewer, today)
	default:
		add(authorizedGroup, f.Viewer, today, 0, f.Viewer, today)
	}
	if f.ParentID != 0 {
		add("n.parent_id = ?", f.ParentID)
	}
	if f.TopLevelOnly {
		add("n.parent_id IS NULL")
	}
	for _, id := range f.SkipIDs {
		add("n.id <> ?", id)
	}
	if f.Visibility != "" {
		add("n.visibility = ?", f.Visibility)
	}
	if f.Search != "" {
		cond, term := searchTerm(f.Search)
		add("(lower(n.full_path) "+cond+" OR lower(n.full_name) "+cond+")", term, term)
	}
	order, ok := groupOrder[f.OrderBy]
	if !ok {
		order = groupOrder["name"]
	}
	dir := "ASC"
	if strings.EqualFold(f.Sort, "desc") {
		dir = "DESC"
	}
	if order != "n.id" {
		order += " " + dir + ", n.id ASC"
	} else {
		order += " " + dir
	}
	return q.pageOfNamespaces(ctx, strings.Join(where, " AND "), args, order, f.Page)
}

// searchTerm is GitLab's fuzzy match of a search: a part of the text from
// 3 characters, the whole text below (any letter case).
func searchTerm(search string) (cond string, term string) {
	if len(search) >= 3 {
		return `LIKE ? ESCAPE '\'`, "%" + escapeLike(strings.ToLower(search)) + "%"
	}
	return "= ?", strings.ToLower(search)
}

// escapeLike makes s match itself in a LIKE pattern with '\' as escape.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (q queries) pageOfNamespaces(ctx context.Context, cond string, args []any, order string, page Page) ([]ferry.Namespace, int, error) {
	var total int
	if err := q.queryRow(ctx, `SELECT count(*) FROM namespaces n WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	rows, err := q.query(ctx, `SELECT `+namespaceColumns+` FROM namespaces n WHERE `+cond+` ORDER BY `+order+
		` LIMIT ? OFFSET ?`, append(args, page.Limit(), page.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, func(r *sql.Rows) (ferry.Namespace, error) { return scanNamespace(r) })
	return list, total, err
}

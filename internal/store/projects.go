package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/ferryhq/ferry"
)

const projectColumns = `p.id, p.namespace_id, p.name, p.path, p.description, p.visibility, p.default_branch,
	p.creator_id, p.open_issues_count, p.created_at, p.updated_at, ` + namespaceColumns

const projectFrom = ` FROM projects p JOIN namespaces n ON n.id = p.namespace_id`

func scanProject(row interface{ Scan(...any) error }) (ferry.Project, error) {
	var (
		p ferry.Project
		n = &p.Namespace
	)
	nsDest, nsDone := namespaceDest(n)
	err := row.Scan(append([]any{&p.ID, &p.NamespaceID, &p.Name, &p.Path, &p.Description, &p.Visibility, &p.DefaultBranch,
		&p.CreatorID, &p.OpenIssuesCount, &p.CreatedAt, &p.UpdatedAt}, nsDest...)...)
	nsDone()
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, mapError(err)
}

// CreateProject inserts p and fills its ID, timestamps and Namespace.
// Returns a *ferry.ValidationError wrapping ferry.ErrConflict when the name
// or path is taken in the namespace.
func (q queries) CreateProject(ctx context.Context, p *ferry.Project) error {
	p.CreatedAt = now()
	p.UpdatedAt = p.CreatedAt
	id, err := q.insert(ctx, `INSERT INTO projects
		(namespace_id, name, path, description, visibility, default_branch, creator_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.NamespaceID, p.Name, p.Path, p.Description, p.Visibility,
		p.DefaultBranch, p.CreatorID, p.CreatedAt, p.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert project: %w", err)
	}
	created, err := q.ProjectByID(ctx, id)
	if err != nil {
		return err
	}
	*p = created
	return nil
}

// ProjectByID returns the project with id, or ferry.ErrNotFound.
func (q queries) ProjectByID(ctx context.Context, id int64) (ferry.Project, error) {
	return scanProject(q.queryRow(ctx, `SELECT `+projectColumns+projectFrom+` WHERE p.id = ?`, id))
}

// ProjectByFullPath returns the project at "namespace/path" (any letter
// case), or ferry.ErrNotFound.
func (q queries) ProjectByFullPath(ctx context.Context, fullPath string) (ferry.Project, error) {
	i := strings.LastIndex(fullPath, "/")
	if i <= 0 {
		return ferry.Project{}, ferry.ErrNotFound
	}
	return scanProject(q.queryRow(ctx, `SELECT `+projectColumns+projectFrom+`
		WHERE lower(n.full_path) = lower(?) AND lower(p.path) = lower(?)`, fullPath[:i], fullPath[i+1:]))
}

// UpdateProject saves p's name, path, description, visibility and default
// branch and sets UpdatedAt. Returns ferry.ErrNotFound or a conflict as
// CreateProject.
func (q queries) UpdateProject(ctx context.Context, p *ferry.Project) error {
	p.UpdatedAt = now()
	res, err := q.exec(ctx, `UPDATE projects SET name = ?, path = ?, description = ?, visibility = ?,
		default_branch = ?, updated_at = ? WHERE id = ?`,
		p.Name, p.Path, p.Description, p.Visibility, p.DefaultBranch, p.UpdatedAt, p.ID)
	if err != nil {
		return fmt.Errorf("update project %d: %w", p.ID, err)
	}
	return gone(res)
}

// DeleteProject removes project id and its memberships. Returns
// ferry.ErrNotFound if it does not exist.
func (q queries) DeleteProject(ctx context.Context, id int64) error {
	if _, err := q.exec(ctx, `DELETE FROM members WHERE source_kind = ? AND source_id = ?`, ferry.MemberOfProject, id); err != nil {
		return fmt.Errorf("delete project %d members: %w", id, err)
	}
	res, err := q.exec(ctx, `DELETE FROM projects WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete project %d: %w", id, err)
	}
	return gone(res)
}

// ProjectFilter selects projects for ListProjects.
type ProjectFilter struct {
	// Viewer is who is asking (0 for anonymous); Admin sees everything.
	Viewer int64
	Admin  bool
	// Membership keeps projects the viewer is a member of (directly, through
	// a group, or by owning the namespace); Owned keeps those in the
	// viewer's personal namespace.
	Membership bool
	Owned      bool
	Search     string
	Visibility string
	// NamespaceID keeps the projects of one namespace and, with
	// IncludeSubgroups, of its descendants.
	NamespaceID      int64
	IncludeSubgroups bool
	OrderBy          string // id, name, path, created_at, updated_at, last_activity_at
	Sort             string // asc or desc
	Page             Page
}

var projectOrder = map[string]string{
	"id": "p.id", "name": "lower(p.name)", "path": "lower(p.path)", "created_at": "p.created_at",
	"updated_at": "p.updated_at", "last_activity_at": "p.updated_at",
}

// memberOf is true when the viewer (first arg) is a direct project member,
// owns the project's personal namespace, or is a member of the project's
// group or one of its ancestors.
const memberOf = `(n.owner_id = ?
	OR EXISTS (SELECT 1 FROM members m WHERE m.user_id = ? AND m.source_kind = 'Project' AND m.source_id = p.id
		AND (m.expires_at IS NULL OR m.expires_at >= ?))
	OR EXISTS (SELECT 1 FROM members m JOIN namespaces g ON g.id = m.source_id
		WHERE m.user_id = ? AND m.source_kind = 'Namespace' AND (m.expires_at IS NULL OR m.expires_at >= ?)
		AND (g.id = n.id OR substr(n.full_path, 1, length(g.full_path) + 1) = g.full_path || '/')))`

// memberArgs are memberOf's arguments: memberships that expire before
// today no longer count.
func memberArgs(viewer int64) []any {
	today := todayUTC()
	return []any{viewer, viewer, today, viewer, today}
}

// ListProjects returns the page of projects f selects and their total.
func (q queries) ListProjects(ctx context.Context, f ProjectFilter) ([]ferry.Project, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	switch {
	case f.Admin:
	case f.Viewer == 0:
		where = append(where, "p.visibility = 'public'")
	default:
		where = append(where, "(p.visibility IN ('public', 'internal') OR "+memberOf+")")
		args = append(args, memberArgs(f.Viewer)...)
	}
	if f.Membership {
		where = append(where, memberOf)
		args = append(args, memberArgs(f.Viewer)...)
	}
	if f.Owned {
		where = append(where, "n.owner_id = ?")
		args = append(args, f.Viewer)
	}
	if f.Search != "" {
		where = append(where, "(lower(p.name) LIKE ? OR lower(p.path) LIKE ?)")
		like := "%" + strings.ToLower(f.Search) + "%"
		args = append(args, like, like)
	}
	if f.Visibility != "" {
		where = append(where, "p.visibility = ?")
		args = append(args, f.Visibility)
	}
	if f.NamespaceID != 0 {
		cond := "n.id = ?"
		args = append(args, f.NamespaceID)
		if f.IncludeSubgroups {
			cond = `(n.id = ? OR EXISTS (SELECT 1 FROM namespaces g WHERE g.id = ?
				AND substr(n.full_path, 1, length(g.full_path) + 1) = g.full_path || '/'))`
			args = append(args, f.NamespaceID)
		}
		where = append(where, cond)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.queryRow(ctx, `SELECT count(*)`+projectFrom+` WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	order, ok := projectOrder[f.OrderBy]
	if !ok {
		order = "p.created_at"
	}
	dir := "DESC"
	if strings.EqualFold(f.Sort, "asc") {
		dir = "ASC"
	}
	rows, err := q.query(ctx, `SELECT `+projectColumns+projectFrom+` WHERE `+cond+
		` ORDER BY `+order+` `+dir+`, p.id `+dir+` LIMIT ? OFFSET ?`, append(args, f.Page.Limit(), f.Page.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	projects, err := collect(rows, func(r *sql.Rows) (ferry.Project, error) { return scanProject(r) })
	return projects, total, err
}

// ProjectTaken reports whether another project than exceptID in namespace
// nsID has name or path (any letter case).
func (q queries) ProjectTaken(ctx context.Context, nsID, exceptID int64, name, path string) (nameTaken, pathTaken bool, err error) {
	err = q.queryRow(ctx, `SELECT
		COALESCE(MAX(CASE WHEN lower(name) = lower(?) THEN 1 ELSE 0 END), 0),
		COALESCE(MAX(CASE WHEN lower(path) = lower(?) THEN 1 ELSE 0 END), 0)
		FROM projects WHERE namespace_id = ? AND id <> ?`, name, path, nsID, exceptID).Scan(&nameTaken, &pathTaken)
	return nameTaken, pathTaken, mapError(err)
}

// LockProject holds project id's row until the transaction ends, so that
// concurrent requests on one project (two export requests) run one after
// the other. SQLite's write transactions are already serialised.
func (tx *Tx) LockProject(ctx context.Context, id int64) error {
	return tx.lockRow(ctx, "projects", id)
}

// LockNamespace holds namespace id's row until the transaction ends, so
// that changes to the projects of one namespace (two overwriting imports
// of one path finishing together) run one after the other.
func (tx *Tx) LockNamespace(ctx context.Context, id int64) error {
	return tx.lockRow(ctx, "namespaces", id)
}

// lockRow locks row id of table (a constant) on PostgreSQL.
func (tx *Tx) lockRow(ctx context.Context, table string, id int64) error {
	if tx.dialect != Postgres {
		return nil
	}
	var locked int64
	return mapError(tx.queryRow(ctx, `SELECT id FROM `+table+` WHERE id = ? FOR UPDATE`, id).Scan(&locked))
}

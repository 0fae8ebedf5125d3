package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/ferryhq/ferry"
)

// MaxGroupDepth is how deep groups may nest, as in GitLab.
const MaxGroupDepth = 20

const namespaceColumns = `n.id, n.kind, n.name, n.path, n.full_path, n.full_name, COALESCE(n.parent_id, 0),
	COALESCE(n.owner_id, 0), n.description, n.visibility, n.created_at, n.marked_for_deletion_at,
	COALESCE(n.deleting_user_id, 0)`

func scanNamespace(row interface{ Scan(...any) error }) (ferry.Namespace, error) {
	var n ferry.Namespace
	dest, done := namespaceDest(&n)
	err := row.Scan(dest...)
	done()
	return n, mapError(err)
}

// namespaceDest are the scan destinations of namespaceColumns into n, and
// what to run once they are scanned.
func namespaceDest(n *ferry.Namespace) ([]any, func()) {
	var marked sql.NullTime
	return []any{&n.ID, &n.Kind, &n.Name, &n.Path, &n.FullPath, &n.FullName, &n.ParentID,
			&n.OwnerID, &n.Description, &n.Visibility, &n.CreatedAt, &marked, &n.DeletingUserID},
		func() { n.CreatedAt, n.MarkedForDeletionAt = n.CreatedAt.UTC(), timePtr(marked) }
}

func (q queries) insertNamespace(ctx context.Context, n *ferry.Namespace) (int64, error) {
	id, err := q.insert(ctx, `INSERT INTO namespaces
		(kind, name, path, full_path, full_name, parent_id, owner_id, description, visibility, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, n.Kind, n.Name, n.Path, n.FullPath, n.FullName,
		nullID(n.ParentID), nullID(n.OwnerID), n.Description, n.Visibility, n.CreatedAt)
	n.ID = id
	return id, err
}

// CreateGroup inserts the group g under g.ParentID (0 for top level),
// deriving its full path and name from the parent, and fills g's ID,
// FullPath, FullName and CreatedAt. Returns ferry.ErrNotFound for a missing
// parent, a *ferry.ValidationError wrapping ferry.ErrConflict for a taken
// path. Run it in a transaction (DB.Tx) so the parent cannot change under
// it.
func (q queries) CreateGroup(ctx context.Context, g *ferry.Namespace) error {
	g.Kind, g.CreatedAt, g.FullPath, g.FullName = ferry.KindGroup, now(), g.Path, g.Name
	if g.ParentID != 0 {
		parent, err := q.NamespaceByID(ctx, g.ParentID)
		if err != nil || !parent.IsGroup() {
			return fmt.Errorf("parent group %d: %w", g.ParentID, ferry.ErrNotFound)
		}
		ancestors, err := q.Ancestors(ctx, parent.ID)
		if err != nil {
			return err
		}
		if len(ancestors) >= MaxGroupDepth {
			return &ferry.ValidationError{Field: "parent_id", Reason: "has too deep level of nesting"}
		}
		g.FullPath, g.FullName = parent.FullPath+"/"+g.Path, parent.FullName+" / "+g.Name
	}
	if _, err := q.insertNamespace(ctx, g); err != nil {
		return fmt.Errorf("insert group: %w", err)
	}
	return nil
}

// NamespaceByID returns the namespace with id, or ferry.ErrNotFound.
func (q queries) NamespaceByID(ctx context.Context, id int64) (ferry.Namespace, error) {
	return scanNamespace(q.queryRow(ctx, `SELECT `+namespaceColumns+` FROM namespaces n WHERE n.id = ?`, id))
}

// NamespaceByFullPath returns the namespace at fullPath (any letter case),
// or ferry.ErrNotFound.
func (q queries) NamespaceByFullPath(ctx context.Context, fullPath string) (ferry.Namespace, error) {
	return scanNamespace(q.queryRow(ctx,
		`SELECT `+namespaceColumns+` FROM namespaces n WHERE lower(n.full_path) = lower(?)`, fullPath))
}

// Ancestors returns the namespace with id followed by its parents up to the
// top level. Returns ferry.ErrNotFound if id does not exist.
func (q queries) Ancestors(ctx context.Context, id int64) ([]ferry.Namespace, error) {
	var chain []ferry.Namespace
	for next := id; next != 0 && len(chain) <= MaxGroupDepth; {
		n, err := q.NamespaceByID(ctx, next)
		if err != nil {
			return nil, fmt.Errorf("namespace %d: %w", next, err)
		}
		chain = append(chain, n)
		next = n.ParentID
	}
	return chain, nil
}

// NamespaceFilter selects namespaces for ListNamespaces, as GitLab's GET
// /namespaces does.
type NamespaceFilter struct {
	// Viewer sees their personal namespace and the groups they are a
	// direct member of (an Owner of, with OwnedOnly); Admin sees all.
	Viewer       int64
	Admin        bool
	OwnedOnly    bool
	TopLevelOnly bool
	// Search matches the name or path (a part of them from 3 characters,
	// all of one below).
	Search string
	Page   Page
}

// ListNamespaces returns the page of namespaces f selects, by id, and
// their total.
func (q queries) ListNamespaces(ctx context.Context, f NamespaceFilter) ([]ferry.Namespace, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	add := func(cond string, a ...any) { where, args = append(where, cond), append(args, a...) }
	if !f.Admin {
		level := ferry.Guest
		if f.OwnedOnly {
			level = ferry.Owner
		}
		add("(n.kind = 'user' AND n.owner_id = ? OR n.kind = 'group' AND "+groupMember("a.id = n.id")+")",
			f.Viewer, f.Viewer, todayUTC(), level)
	}
	if f.TopLevelOnly {
		add("n.parent_id IS NULL")
	}
	if f.Search != "" {
		cond, term := searchTerm(f.Search)
		add("(lower(n.name) "+cond+" OR lower(n.path) "+cond+")", term, term)
	}
	return q.pageOfNamespaces(ctx, strings.Join(where, " AND "), args, "n.id ASC", f.Page)
}

// GroupCounts returns how many distinct users are members of group id or
// of its descendants, and how many projects they hold.
func (q queries) GroupCounts(ctx context.Context, id int64) (members, projects int, err error) {
	inTree := "(a.id = g.id OR " + isUnder("a", "g") + ")"
	err = q.queryRow(ctx, `SELECT
		(SELECT count(DISTINCT m.user_id) FROM members m JOIN namespaces a ON a.id = m.source_id
			WHERE m.source_kind = 'Namespace' AND `+inTree+`),
		(SELECT count(*) FROM projects p JOIN namespaces a ON a.id = p.namespace_id WHERE `+inTree+`)
		FROM namespaces g WHERE g.id = ?`, id).Scan(&members, &projects)
	return members, projects, mapError(err)
}

// NamespaceTree returns namespace id and its descendants (a group's
// sub-groups), deepest first, and the projects they hold. Returns
// ferry.ErrNotFound if id does not exist.
func (q queries) NamespaceTree(ctx context.Context, id int64) ([]ferry.Namespace, []ferry.Project, error) {
	rows, err := q.query(ctx, `SELECT `+namespaceColumns+` FROM namespaces n JOIN namespaces g ON g.id = ?
		WHERE n.id = g.id OR `+isUnder("n", "g")+` ORDER BY length(n.full_path) DESC, n.id`, id)
	if err != nil {
		return nil, nil, err
	}
	groups, err := collect(rows, func(r *sql.Rows) (ferry.Namespace, error) { return scanNamespace(r) })
	if err != nil {
		return nil, nil, err
	}
	if len(groups) == 0 {
		return nil, nil, ferry.ErrNotFound
	}
	rows, err = q.query(ctx, `SELECT `+projectColumns+projectFrom+` JOIN namespaces g ON g.id = ?
		WHERE n.id = g.id OR `+isUnder("n", "g")+` ORDER BY p.id`, id)
	if err != nil {
		return nil, nil, err
	}
	projects, err := collect(rows, func(r *sql.Rows) (ferry.Project, error) { return scanProject(r) })
	return groups, projects, err
}

// DeleteGroup removes group id and its memberships; its projects and
// sub-groups must be gone first. Returns ferry.ErrNotFound if it does not
// exist.
func (q queries) DeleteGroup(ctx context.Context, id int64) error {
	if _, err := q.exec(ctx, `DELETE FROM members WHERE source_kind = ? AND source_id = ?`, ferry.MemberOfNamespace, id); err != nil {
		return fmt.Errorf("delete group %d members: %w", id, err)
	}
	res, err := q.exec(ctx, `DELETE FROM namespaces WHERE id = ? AND kind = 'group'`, id)
	if err != nil {
		return fmt.Errorf("delete group %d: %w", id, err)
	}
	return gone(res)
}

// SoloOwnedGroups returns the groups userID is the only Owner of, counting
// the Owners of their ancestors (GitLab's solo_owned_groups), parents
// first.
func (q queries) SoloOwnedGroups(ctx context.Context, userID int64) ([]ferry.Namespace, error) {
	today := todayUTC()
	rows, err := q.query(ctx, `SELECT `+namespaceColumns+` FROM namespaces n JOIN members m ON m.source_id = n.id
		WHERE m.source_kind = 'Namespace' AND m.user_id = ? AND m.access_level = ?
		AND (m.expires_at IS NULL OR m.expires_at >= ?)
		AND NOT EXISTS (SELECT 1 FROM members o JOIN namespaces a ON a.id = o.source_id
			WHERE o.source_kind = 'Namespace' AND o.user_id <> ? AND o.access_level = ?
			AND (o.expires_at IS NULL OR o.expires_at >= ?) AND (a.id = n.id OR `+isUnder("n", "a")+`))
		ORDER BY length(n.full_path), n.id`, userID, ferry.Owner, today, userID, ferry.Owner, today)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (ferry.Namespace, error) { return scanNamespace(r) })
}

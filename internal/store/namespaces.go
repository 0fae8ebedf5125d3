package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ferryhq/ferry"
)

// MaxGroupDepth is how deep groups may nest, as in GitLab.
const MaxGroupDepth = 20

const namespaceColumns = `n.id, n.kind, n.name, n.path, n.full_path, n.full_name, COALESCE(n.parent_id, 0),
	COALESCE(n.owner_id, 0), n.description, n.visibility, n.created_at`

func scanNamespace(row interface{ Scan(...any) error }) (ferry.Namespace, error) {
	var n ferry.Namespace
	err := row.Scan(&n.ID, &n.Kind, &n.Name, &n.Path, &n.FullPath, &n.FullName, &n.ParentID,
		&n.OwnerID, &n.Description, &n.Visibility, &n.CreatedAt)
	n.CreatedAt = n.CreatedAt.UTC()
	return n, mapError(err)
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

// Subgroups returns the direct child groups of id ordered by name.
func (q queries) Subgroups(ctx context.Context, id int64) ([]ferry.Namespace, error) {
	rows, err := q.query(ctx, `SELECT `+namespaceColumns+` FROM namespaces n WHERE n.parent_id = ? ORDER BY n.name, n.id`, id)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (ferry.Namespace, error) { return scanNamespace(r) })
}

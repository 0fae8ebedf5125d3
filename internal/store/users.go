package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ferryhq/ferry"
)

const userColumns = `u.id, u.username, u.name, u.email, u.is_admin, u.state, COALESCE(u.namespace_id, 0), u.created_at`

func scanUser(row interface{ Scan(...any) error }) (ferry.User, error) {
	var u ferry.User
	err := row.Scan(userDest(&u)...)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, mapError(err)
}

// userDest is where the columns of userColumns scan into.
func userDest(u *ferry.User) []any {
	return []any{&u.ID, &u.Username, &u.Name, &u.Email, &u.IsAdmin, &u.State, &u.NamespaceID, &u.CreatedAt}
}

// CreateUser inserts u with its personal namespace (path = username) and
// fills u's ID, NamespaceID and CreatedAt. Returns a *ferry.ValidationError
// wrapping ferry.ErrConflict when the username, email or namespace path is
// taken.
func (db *DB) CreateUser(ctx context.Context, u *ferry.User) error {
	u.CreatedAt, u.State = now(), "active"
	return db.Tx(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, `INSERT INTO users (username, name, email, is_admin, state, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, u.Username, u.Name, u.Email, u.IsAdmin, u.State, u.CreatedAt)
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		ns := ferry.Namespace{Kind: ferry.KindUser, Name: u.Name, Path: u.Username, FullPath: u.Username,
			FullName: u.Name, OwnerID: id, Visibility: ferry.Public, CreatedAt: u.CreatedAt}
		nsID, err := tx.insertNamespace(ctx, &ns)
		if err != nil {
			return fmt.Errorf("insert user namespace: %w", conflictAs(err, "username"))
		}
		if _, err := tx.exec(ctx, `UPDATE users SET namespace_id = ? WHERE id = ?`, nsID, id); err != nil {
			return fmt.Errorf("link user namespace: %w", err)
		}
		u.ID, u.NamespaceID = id, nsID
		return nil
	})
}

// UserByID returns the user with id, or ferry.ErrNotFound.
func (q queries) UserByID(ctx context.Context, id int64) (ferry.User, error) {
	return scanUser(q.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id))
}

// UserByUsername returns the user with username (any letter case), or
// ferry.ErrNotFound.
func (q queries) UserByUsername(ctx context.Context, username string) (ferry.User, error) {
	return scanUser(q.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE lower(u.username) = lower(?)`, username))
}

// UserByEmail returns the user with email (any letter case), or
// ferry.ErrNotFound.
func (q queries) UserByEmail(ctx context.Context, email string) (ferry.User, error) {
	return scanUser(q.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE lower(u.email) = lower(?)`, email))
}

// ListUsers returns users ordered by id, a page at a time, and the total.
func (q queries) ListUsers(ctx context.Context, page Page) ([]ferry.User, int, error) {
	var total int
	if err := q.queryRow(ctx, `SELECT count(*) FROM users`).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	rows, err := q.query(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.id DESC LIMIT ? OFFSET ?`,
		page.Limit(), page.Offset())
	if err != nil {
		return nil, 0, err
	}
	users, err := collect(rows, func(r *sql.Rows) (ferry.User, error) { return scanUser(r) })
	return users, total, err
}

// DeleteUser removes user id with their personal namespace, tokens,
// memberships and exports; the projects of the personal namespace must be
// gone first. Returns ferry.ErrNotFound if the user does not exist.
func (q queries) DeleteUser(ctx context.Context, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM users WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete user %d: %w", id, err)
	}
	return gone(res)
}

// conflictAs renames the field of a conflict on a shared index (a user's
// namespace path clashing with a group is a taken username).
func conflictAs(err error, field string) error {
	if ve, ok := err.(*ferry.ValidationError); ok {
		return &ferry.ValidationError{Field: field, Reason: ve.Reason, Kind: ve.Kind}
	}
	return err
}

package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// uniqueFields maps each unique index to the attribute GitLab names in its
// "has already been taken" message.
var uniqueFields = map[string]string{
	"users_username_key":                "username",
	"users_email_key":                   "email",
	"namespaces_full_path_key":          "path",
	"personal_access_tokens_digest_key": "token",
	"members_member_key":                "member",
	"projects_path_key":                 "path",
	"projects_name_key":                 "name",
}

// mapError turns driver errors into ferry's kinds: no rows into
// ErrNotFound, a unique violation into a *ferry.ValidationError wrapping
// ErrConflict.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ferry.ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return conflict(pgErr.ConstraintName, err)
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		code := liteErr.Code()
		if code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
			return conflict(liteIndexName(liteErr.Error()), err)
		}
	}
	return err
}

func conflict(index string, err error) error {
	field, ok := uniqueFields[index]
	if !ok {
		return fmt.Errorf("%w: %v", ferry.ErrConflict, err)
	}
	return &ferry.ValidationError{Field: field, Reason: "has already been taken", Kind: ferry.ErrConflict}
}

// liteIndexName finds the index in SQLite's "UNIQUE constraint failed:
// index 'name'" message.
func liteIndexName(msg string) string {
	_, after, ok := strings.Cut(msg, "index '")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(after, "'")
	return name
}

// IsDataError reports whether err is the database refusing a value itself
// (PostgreSQL's data exceptions, class 22, such as a NUL or invalid UTF-8
// in text or a number out of range, and program limits, class 54, such as
// an index row too big; SQLite's too big, mismatch and range errors): the
// same value fails the same way every time, so retrying cannot help.
func IsDataError(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return strings.HasPrefix(pgErr.Code, "22") || strings.HasPrefix(pgErr.Code, "54")
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() & 0xff {
		case sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_RANGE:
			return true
		}
	}
	return false
}

// gone turns an UPDATE or DELETE that touched no row into
// ferry.ErrNotFound: the row does not exist (or was deleted under the
// caller).
func gone(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("rows affected: %w", err)
	}
	if n == 0 {
		return ferry.ErrNotFound
	}
	return nil
}

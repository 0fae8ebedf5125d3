package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/ferryhq/ferry"
)

// TokenFilter selects personal access tokens for ListTokens, as GitLab's
// PersonalAccessTokensFinder does.
type TokenFilter struct {
	// UserID keeps one user's tokens (0: everyone's).
	UserID int64
	// Revoked, when set, keeps the revoked tokens or the others.
	Revoked *bool
	// State is "active" (neither revoked nor expired), "inactive" or "".
	State                         string
	CreatedBefore, CreatedAfter   *time.Time
	LastUsedBefore, LastUsedAfter *time.Time
	ExpiresBefore, ExpiresAfter   *time.Time
	// Search matches the name (a part of it from 3 characters).
	Search string
	// Sort is one of GitLab's sorts (created_asc, name_desc, ...); ""
	// or an unknown one is by id.
	Sort string
	Page Page
}

// tokenSorts are GitLab's token sorts in SQL. Dates that may be unset sort
// as PostgreSQL sorts them under GitLab: unset last going up, first going
// down.
var tokenSorts = map[string]string{
	"id_asc": "t.id ASC", "id_desc": "t.id DESC", "name_asc": "lower(t.name) ASC, t.id ASC",
	"name_desc": "lower(t.name) DESC, t.id DESC", "created_asc": "t.created_at ASC, t.id ASC",
	"created_desc": "t.created_at DESC, t.id DESC", "created_at_asc": "t.created_at ASC, t.id ASC",
	"created_at_desc": "t.created_at DESC, t.id DESC", "updated_asc": "t.created_at ASC, t.id ASC",
	"updated_desc": "t.created_at DESC, t.id DESC", "expires_asc": "t.expires_at IS NULL, t.expires_at ASC, t.id ASC",
	"expires_desc":   "t.expires_at IS NULL DESC, t.expires_at DESC, t.id DESC",
	"last_used_asc":  "t.last_used_at IS NULL, t.last_used_at ASC, t.id ASC",
	"last_used_desc": "t.last_used_at IS NULL DESC, t.last_used_at DESC, t.id DESC",
}

// ListTokens returns the page of tokens f selects and their total.
func (q queries) ListTokens(ctx context.Context, f TokenFilter) ([]ferry.PersonalAccessToken, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	add := func(cond string, a ...any) { where, args = append(where, cond), append(args, a...) }
	if f.UserID != 0 {
		add("t.user_id = ?", f.UserID)
	}
	if f.Revoked != nil {
		add("t.revoked = ?", *f.Revoked)
	}
	const active = "(t.revoked = ? AND (t.expires_at IS NULL OR t.expires_at >= ?))"
	switch f.State {
	case "active":
		add(active, false, todayUTC())
	case "inactive":
		add("NOT "+active, false, todayUTC())
	}
	for cond, at := range map[string]*time.Time{"t.created_at < ?": f.CreatedBefore, "t.created_at > ?": f.CreatedAfter,
		"t.last_used_at < ?": f.LastUsedBefore, "t.last_used_at > ?": f.LastUsedAfter,
		"t.expires_at < ?": f.ExpiresBefore, "t.expires_at > ?": f.ExpiresAfter} {
		if at != nil {
			add(cond, at.UTC())
		}
	}
	if f.Search != "" {
		cond, term := searchTerm(f.Search)
		add("lower(t.name) "+cond, term)
	}
	order, ok := tokenSorts[f.Sort]
	if !ok {
		order = "t.id ASC"
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.queryRow(ctx, `SELECT count(*) FROM personal_access_tokens t WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	rows, err := q.query(ctx, `SELECT `+tokenColumns+` FROM personal_access_tokens t WHERE `+cond+` ORDER BY `+order+
		` LIMIT ? OFFSET ?`, append(args, f.Page.Limit(), f.Page.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	tokens, err := collect(rows, func(r *sql.Rows) (ferry.PersonalAccessToken, error) { return scanToken(r) })
	return tokens, total, err
}

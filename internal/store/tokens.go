package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhq/ferry"
)

const tokenColumns = `t.id, t.user_id, t.name, t.description, t.scopes, t.expires_at, t.revoked, t.created_at, t.last_used_at`

// tokenRow holds the columns of tokenColumns as scanned.
type tokenRow struct {
	t             ferry.PersonalAccessToken
	description   sql.NullString
	scopes        string
	expires, used sql.NullTime
}

func (r *tokenRow) dest() []any {
	return []any{&r.t.ID, &r.t.UserID, &r.t.Name, &r.description, &r.scopes, &r.expires, &r.t.Revoked, &r.t.CreatedAt, &r.used}
}

func (r *tokenRow) token() ferry.PersonalAccessToken {
	t := r.t
	t.Description, t.Scopes, t.ExpiresAt, t.LastUsedAt = r.description.String, strings.Fields(r.scopes), timePtr(r.expires), timePtr(r.used)
	t.CreatedAt = t.CreatedAt.UTC()
	return t
}

func scanToken(row interface{ Scan(...any) error }) (ferry.PersonalAccessToken, error) {
	var r tokenRow
	err := row.Scan(r.dest()...)
	return r.token(), mapError(err)
}

// CreateToken stores t with the digest of its secret and fills t's ID and
// CreatedAt. The secret itself is never stored.
func (q queries) CreateToken(ctx context.Context, t *ferry.PersonalAccessToken, digest string) error {
	t.CreatedAt = now()
	id, err := q.insert(ctx, `INSERT INTO personal_access_tokens
		(user_id, name, description, digest, scopes, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.UserID, t.Name, nullText(t.Description), digest, strings.Join(t.Scopes, " "), nullTime(t.ExpiresAt), t.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert token: %w", err)
	}
	t.ID = id
	return nil
}

// TokenByDigest returns the token with digest and its user, or
// ferry.ErrNotFound. It does not check expiry or revocation. One query
// reads both: every authenticated request runs it.
func (q queries) TokenByDigest(ctx context.Context, digest string) (ferry.PersonalAccessToken, ferry.User, error) {
	return scanTokenAndUser(q.queryRow(ctx, `SELECT `+tokenColumns+`, `+userColumns+`
		FROM personal_access_tokens t JOIN users u ON u.id = t.user_id WHERE t.digest = ?`, digest))
}

// TokenAndUserByID is TokenByDigest for the token with id.
func (q queries) TokenAndUserByID(ctx context.Context, id int64) (ferry.PersonalAccessToken, ferry.User, error) {
	return scanTokenAndUser(q.queryRow(ctx, `SELECT `+tokenColumns+`, `+userColumns+`
		FROM personal_access_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`, id))
}

// scanTokenAndUser reads a row of tokenColumns then userColumns.
func scanTokenAndUser(row interface{ Scan(...any) error }) (ferry.PersonalAccessToken, ferry.User, error) {
	var (
		r tokenRow
		u ferry.User
	)
	err := row.Scan(append(r.dest(), userDest(&u)...)...)
	u.CreatedAt = u.CreatedAt.UTC()
	return r.token(), u, mapError(err)
}

// TokenByID returns token id, or ferry.ErrNotFound.
func (q queries) TokenByID(ctx context.Context, id int64) (ferry.PersonalAccessToken, error) {
	return scanToken(q.queryRow(ctx, `SELECT `+tokenColumns+` FROM personal_access_tokens t WHERE t.id = ?`, id))
}

// RevokeToken revokes token id for good. Returns ferry.ErrNotFound if it
// does not exist.
func (q queries) RevokeToken(ctx context.Context, id int64) error {
	res, err := q.exec(ctx, `UPDATE personal_access_tokens SET revoked = ? WHERE id = ?`, true, id)
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	return gone(res)
}

// tokenUseResolution is how often at most a token's last use is
// recorded, so that reads do not turn into writes.
const tokenUseResolution = time.Minute

// TouchToken records that token t, as read by TokenByDigest, was used at
// when, at most once per tokenUseResolution: when t's last use is more
// recent, nothing is written (even an UPDATE that changes nothing takes
// SQLite's write lock), and the UPDATE's own condition keeps concurrent
// uses from writing twice.
func (q queries) TouchToken(ctx context.Context, t ferry.PersonalAccessToken, when time.Time) error {
	if t.LastUsedAt != nil && when.Sub(*t.LastUsedAt) < tokenUseResolution {
		return nil
	}
	_, err := q.exec(ctx, `UPDATE personal_access_tokens SET last_used_at = ?
		WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`, when.UTC(), t.ID, when.Add(-tokenUseResolution).UTC())
	return err
}

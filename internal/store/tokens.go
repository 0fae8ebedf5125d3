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

func scanToken(row interface{ Scan(...any) error }) (ferry.PersonalAccessToken, error) {
	var (
		t             ferry.PersonalAccessToken
		description   sql.NullString
		scopes        string
		expires, used sql.NullTime
	)
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &description, &scopes, &expires, &t.Revoked, &t.CreatedAt, &used); err != nil {
		return t, mapError(err)
	}
	t.Description, t.Scopes, t.ExpiresAt, t.LastUsedAt = description.String, strings.Fields(scopes), timePtr(expires), timePtr(used)
	t.CreatedAt = t.CreatedAt.UTC()
	return t, nil
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
// ferry.ErrNotFound. It does not check expiry or revocation.
func (q queries) TokenByDigest(ctx context.Context, digest string) (ferry.PersonalAccessToken, ferry.User, error) {
	t, err := scanToken(q.queryRow(ctx, `SELECT `+tokenColumns+` FROM personal_access_tokens t WHERE t.digest = ?`, digest))
	if err != nil {
		return t, ferry.User{}, err
	}
	u, err := q.UserByID(ctx, t.UserID)
	return t, u, err
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

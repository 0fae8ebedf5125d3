package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhq/ferry"
)

// CreateToken stores t with the digest of its secret and fills t's ID and
// CreatedAt. The secret itself is never stored.
func (q queries) CreateToken(ctx context.Context, t *ferry.PersonalAccessToken, digest string) error {
	t.CreatedAt = now()
	id, err := q.insert(ctx, `INSERT INTO personal_access_tokens (user_id, name, digest, scopes, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, t.UserID, t.Name, digest, strings.Join(t.Scopes, " "), nullTime(t.ExpiresAt), t.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert token: %w", err)
	}
	t.ID = id
	return nil
}

// TokenByDigest returns the token with digest and its user, or
// ferry.ErrNotFound. It does not check expiry or revocation.
func (q queries) TokenByDigest(ctx context.Context, digest string) (ferry.PersonalAccessToken, ferry.User, error) {
	var (
		t             ferry.PersonalAccessToken
		scopes        string
		expires, used sql.NullTime
	)
	row := q.queryRow(ctx, `SELECT t.id, t.user_id, t.name, t.scopes, t.expires_at, t.revoked, t.created_at, t.last_used_at
		FROM personal_access_tokens t WHERE t.digest = ?`, digest)
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &scopes, &expires, &t.Revoked, &t.CreatedAt, &used); err != nil {
		return t, ferry.User{}, mapError(err)
	}
	t.Scopes, t.ExpiresAt, t.LastUsedAt = strings.Fields(scopes), timePtr(expires), timePtr(used)
	t.CreatedAt = t.CreatedAt.UTC()
	u, err := q.UserByID(ctx, t.UserID)
	return t, u, err
}

// TouchToken records that token id was used at when, at most once a minute
// so that reads do not turn into writes.
func (q queries) TouchToken(ctx context.Context, id int64, when time.Time) error {
	_, err := q.exec(ctx, `UPDATE personal_access_tokens SET last_used_at = ?
		WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`, when.UTC(), id, when.Add(-time.Minute).UTC())
	return err
}

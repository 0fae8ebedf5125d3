package store

import (
	"context"
	"fmt"
	"time"
)

// WebSession is a signed-in browser: the user and the personal access
// token it signed in with. The session id itself is never stored, only
// its digest.
type WebSession struct {
	ID        int64
	UserID    int64
	TokenID   int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateWebSession stores a session under digest and fills its ID and
// CreatedAt.
func (q queries) CreateWebSession(ctx context.Context, s *WebSession, digest string) error {
	s.CreatedAt = now()
	id, err := q.insert(ctx, `INSERT INTO web_sessions (digest, user_id, token_id, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, digest, s.UserID, s.TokenID, s.CreatedAt, s.ExpiresAt.UTC())
	if err != nil {
		return fmt.Errorf("insert web session: %w", err)
	}
	s.ID = id
	return nil
}

// WebSessionByDigest returns the session stored under digest, or
// ferry.ErrNotFound. It does not check expiry.
func (q queries) WebSessionByDigest(ctx context.Context, digest string) (WebSession, error) {
	var s WebSession
	err := q.queryRow(ctx, `SELECT id, user_id, token_id, created_at, expires_at FROM web_sessions WHERE digest = ?`,
		digest).Scan(&s.ID, &s.UserID, &s.TokenID, &s.CreatedAt, &s.ExpiresAt)
	if err != nil {
		return s, mapError(err)
	}
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	return s, nil
}

// DeleteWebSession ends the session stored under digest (nothing when
// there is none).
func (q queries) DeleteWebSession(ctx context.Context, digest string) error {
	if _, err := q.exec(ctx, `DELETE FROM web_sessions WHERE digest = ?`, digest); err != nil {
		return fmt.Errorf("delete web session: %w", err)
	}
	return nil
}

// DeleteExpiredWebSessions removes the sessions that expired before at.
func (q queries) DeleteExpiredWebSessions(ctx context.Context, at time.Time) error {
	if _, err := q.exec(ctx, `DELETE FROM web_sessions WHERE expires_at < ?`, at.UTC()); err != nil {
		return fmt.Errorf("delete expired web sessions: %w", err)
	}
	return nil
}

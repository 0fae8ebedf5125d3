package store

import (
	"context"
	"fmt"
	"time"
)

// HitRateLimit counts one request against key in window number window
// (which ends at expires) and returns the window's count so far. The
// count lives in the database so every Ferry process shares it.
func (q queries) HitRateLimit(ctx context.Context, key string, window int64, expires time.Time) (int, error) {
	var hits int
	err := q.writeRow(ctx, `INSERT INTO rate_limit_counters (key, window_no, hits, expires_at) VALUES (?, ?, 1, ?)
		ON CONFLICT (key, window_no) DO UPDATE SET hits = rate_limit_counters.hits + 1
		RETURNING hits`, key, window, expires.UTC()).Scan(&hits)
	if err != nil {
		return 0, fmt.Errorf("count rate limit %s: %w", key, mapError(err))
	}
	return hits, nil
}

// DeleteExpiredRateLimits drops the counters of windows that ended before
// now and returns how many went.
func (q queries) DeleteExpiredRateLimits(ctx context.Context, now time.Time) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM rate_limit_counters WHERE expires_at < ?`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete expired rate limits: %w", err)
	}
	return res.RowsAffected()
}

package store

import (
	"context"
	"fmt"
	"time"
)

// Beat records that the worker clientID is alive at now.
func (q queries) Beat(ctx context.Context, clientID string, now time.Time) error {
	_, err := q.exec(ctx, `INSERT INTO worker_heartbeats (client_id, seen_at) VALUES (?, ?)
		ON CONFLICT (client_id) DO UPDATE SET seen_at = excluded.seen_at`, clientID, now.UTC())
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	return nil
}

// Unbeat removes clientID's heartbeat (a clean stop).
func (q queries) Unbeat(ctx context.Context, clientID string) error {
	_, err := q.exec(ctx, `DELETE FROM worker_heartbeats WHERE client_id = ?`, clientID)
	return err
}

// ReleaseJobsOfDeadWorkers makes running jobs available again when the
// worker that runs them (the last entry of River's attempted_by) has no
// heartbeat since staleBefore, and drops those old heartbeats. Returns how
// many jobs it released.
func (q queries) ReleaseJobsOfDeadWorkers(ctx context.Context, staleBefore time.Time) (int64, error) {
	last := `attempted_by[array_upper(attempted_by, 1)]`
	if q.dialect == SQLite {
		last = `json_extract(attempted_by, '$[#-1]')`
	}
	res, err := q.exec(ctx, `UPDATE river_job SET state = 'available'
		WHERE state = 'running' AND attempted_by IS NOT NULL AND `+last+` NOT IN
			(SELECT client_id FROM worker_heartbeats WHERE seen_at >= ?)`, staleBefore.UTC())
	if err != nil {
		return 0, fmt.Errorf("release jobs of dead workers: %w", err)
	}
	if _, err := q.exec(ctx, `DELETE FROM worker_heartbeats WHERE seen_at < ?`, staleBefore.UTC()); err != nil {
		return 0, fmt.Errorf("drop old heartbeats: %w", err)
	}
	return res.RowsAffected()
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ferryhq/ferry"
)

const groupImportColumns = `group_id, user_id, status, error, attempts, upload_key, correlation_id,
	created_groups, stats, failures, created_at, updated_at`

func scanGroupImport(row interface{ Scan(...any) error }) (ferry.GroupImport, error) {
	var (
		im                       ferry.GroupImport
		created, stats, failures string
	)
	err := row.Scan(&im.GroupID, &im.UserID, &im.Status, &im.Error, &im.Attempts, &im.UploadKey, &im.CorrelationID,
		&created, &stats, &failures, &im.CreatedAt, &im.UpdatedAt)
	if err != nil {
		return im, mapError(err)
	}
	im.CreatedAt, im.UpdatedAt = im.CreatedAt.UTC(), im.UpdatedAt.UTC()
	for _, f := range []struct {
		text string
		into any
	}{{created, &im.CreatedGroups}, {stats, &im.Stats}, {failures, &im.Failures}} {
		if err := json.Unmarshal([]byte(f.text), f.into); err != nil {
			return im, fmt.Errorf("decode group import of %d: %w", im.GroupID, err)
		}
	}
	return im, nil
}

// CreateGroupImport inserts im with its status (GroupImportCreated, or
// ImportScheduled when its job is queued in the same transaction).
func (q queries) CreateGroupImport(ctx context.Context, im *ferry.GroupImport) error {
	im.CreatedAt = now()
	im.UpdatedAt = im.CreatedAt
	_, err := q.exec(ctx, `INSERT INTO group_imports (group_id, user_id, status, upload_key, correlation_id,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, im.GroupID, im.UserID, im.Status, im.UploadKey,
		im.CorrelationID, im.CreatedAt, im.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert group import: %w", err)
	}
	return nil
}

// GroupImportOf returns group id's import. Returns ferry.ErrNotFound when
// the group was not imported (or is gone).
func (q queries) GroupImportOf(ctx context.Context, groupID int64) (ferry.GroupImport, error) {
	return scanGroupImport(q.queryRow(ctx, `SELECT `+groupImportColumns+` FROM group_imports WHERE group_id = ?`, groupID))
}

// UpdateGroupImport saves im's state. Returns ferry.ErrNotFound when the
// import (its group) is gone.
func (q queries) UpdateGroupImport(ctx context.Context, im *ferry.GroupImport) error {
	im.UpdatedAt = now()
	if im.CreatedGroups == nil {
		im.CreatedGroups = []int64{}
	}
	if im.Failures == nil {
		im.Failures = []ferry.GroupImportFailure{}
	}
	created, _ := json.Marshal(im.CreatedGroups)
	stats, _ := json.Marshal(im.Stats)
	failures, _ := json.Marshal(im.Failures)
	res, err := q.exec(ctx, `UPDATE group_imports SET status = ?, error = ?, attempts = ?, upload_key = ?,
		created_groups = ?, stats = ?, failures = ?, updated_at = ? WHERE group_id = ?`, im.Status, im.Error,
		im.Attempts, im.UploadKey, string(created), string(stats), string(failures), im.UpdatedAt, im.GroupID)
	if err != nil {
		return fmt.Errorf("update group import of %d: %w", im.GroupID, err)
	}
	return gone(res)
}

// SetGroupDetails sets a group's description and visibility. Returns
// ferry.ErrNotFound when the group is gone.
func (q queries) SetGroupDetails(ctx context.Context, id int64, description, visibility string) error {
	res, err := q.exec(ctx, `UPDATE namespaces SET description = ?, visibility = ? WHERE id = ? AND kind = 'group'`,
		description, visibility, id)
	if err != nil {
		return fmt.Errorf("update group %d: %w", id, err)
	}
	return gone(res)
}

// StaleGroupImports returns up to 1000 group imports scheduled or started
// and not updated since before.
func (q queries) StaleGroupImports(ctx context.Context, before time.Time) ([]ferry.GroupImport, error) {
	rows, err := q.query(ctx, `SELECT `+groupImportColumns+` FROM group_imports
		WHERE status IN ('scheduled', 'started') AND updated_at < ? ORDER BY group_id LIMIT 1000`, before.UTC())
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (ferry.GroupImport, error) { return scanGroupImport(r) })
}

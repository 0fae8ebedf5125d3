package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Kinds of job in JobKey and JobFilter.
const (
	JobImport      = "import"
	JobExport      = "export"
	JobGroupImport = "group_import"
	JobGroupExport = "group_export"
)

// JobFilter selects imports and exports across projects for ListJobs.
type JobFilter struct {
	// Kind is JobImport, JobExport or "" for both.
	Kind string
	// Status keeps the jobs in this state (an import's or an export's
	// status; "" for any).
	Status string
	// ProjectID keeps one project's jobs, GroupID one group's (0: every
	// project's or group's).
	ProjectID int64
	GroupID   int64
	// CreatedAfter and CreatedBefore bound when the job was requested.
	CreatedAfter, CreatedBefore *time.Time
	Page                        Page
}

// JobKey names one import (ID is its project's or group's) or export (ID
// is the export's).
type JobKey struct {
	Kind string
	ID   int64
}

// jobsUnion is every import and export with the columns JobFilter reads.
const jobsUnion = `(SELECT 'import' AS kind, project_id AS id, project_id, CAST(NULL AS BIGINT) AS group_id, status, created_at FROM project_imports
	UNION ALL SELECT 'export' AS kind, id, project_id, CAST(NULL AS BIGINT) AS group_id, status, created_at FROM project_exports
	UNION ALL SELECT 'group_import' AS kind, group_id AS id, CAST(NULL AS BIGINT) AS project_id, group_id, status, created_at FROM group_imports
	UNION ALL SELECT 'group_export' AS kind, id, CAST(NULL AS BIGINT) AS project_id, group_id, status, created_at FROM group_exports) j`

// ListJobs returns the page of imports and exports f selects, newest
// first, and how many it selects in all.
func (q queries) ListJobs(ctx context.Context, f JobFilter) ([]JobKey, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	add := func(cond string, a any) { where, args = append(where, cond), append(args, a) }
	if f.Kind != "" {
		add("j.kind = ?", f.Kind)
	}
	if f.Status != "" {
		add("j.status = ?", f.Status)
	}
	if f.ProjectID != 0 {
		add("j.project_id = ?", f.ProjectID)
	}
	if f.GroupID != 0 {
		add("j.group_id = ?", f.GroupID)
	}
	if f.CreatedAfter != nil {
		add("j.created_at > ?", f.CreatedAfter.UTC())
	}
	if f.CreatedBefore != nil {
		add("j.created_at < ?", f.CreatedBefore.UTC())
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.queryRow(ctx, `SELECT count(*) FROM `+jobsUnion+` WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count jobs: %w", mapError(err))
	}
	rows, err := q.query(ctx, `SELECT j.kind, j.id FROM `+jobsUnion+` WHERE `+cond+`
		ORDER BY j.created_at DESC, j.kind, j.id DESC LIMIT ? OFFSET ?`,
		append(args, f.Page.Limit(), f.Page.Offset())...)
	if err != nil {
		return nil, 0, fmt.Errorf("list jobs: %w", err)
	}
	keys, err := collect(rows, func(r *sql.Rows) (JobKey, error) {
		var k JobKey
		return k, r.Scan(&k.Kind, &k.ID)
	})
	return keys, total, err
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhq/ferry"
)

// Issuable is the read model's row for one stored issue or merge request
// record: what lists filter and sort on, and where the record is
// (Position in project_relations).
type Issuable struct {
	ID           int64
	ProjectID    int64
	Kind         string // IssueKind or MergeRequestKind
	IID          int64
	Position     int64
	State        string
	Title        string
	Description  string
	AuthorID     int64 // 0 for none
	AssigneeIDs  []int64
	Milestone    string // "" for none
	Labels       []string
	Confidential bool
	CreatedAt    string // UTC, "2006-01-02T15:04:05.000Z"
	UpdatedAt    string
	DueDate      string // "" for none
	SourceBranch string
	TargetBranch string
	UserNotes    int64
	Upvotes      int64
	Downvotes    int64
	Summary      IssuableSummary
}

// The kinds of issuables, named after the relation that holds them.
const (
	IssueKind        = "issues"
	MergeRequestKind = "merge_requests"
)

// InsertIssuables adds rows to the read model, inside the transaction that
// stores their records.
func (q queries) InsertIssuables(ctx context.Context, rows []Issuable) error {
	ins := newBulkInsert(q, "issuables", "project_id", "kind", "iid", "position", "state", "title", "description",
		"author_id", "assignee_ids", "milestone", "labels", "confidential", "created_at", "updated_at", "due_date",
		"source_branch", "target_branch", "user_notes", "upvotes", "downvotes", "summary")
	defer ins.close()
	for _, r := range rows {
		if err := ins.add(ctx, len(r.Title)+len(r.Description),
			r.ProjectID, r.Kind, r.IID, r.Position, r.State, r.Title, r.Description, nullID(r.AuthorID),
			joinIDs(r.AssigneeIDs), nullText(r.Milestone), joinList(r.Labels), r.Confidential, r.CreatedAt,
			r.UpdatedAt, nullText(r.DueDate), nullText(r.SourceBranch), nullText(r.TargetBranch),
			r.UserNotes, r.Upvotes, r.Downvotes, summaryText(r.Summary)); err != nil {
			return fmt.Errorf("index %s: %w", r.Kind, err)
		}
	}
	if err := ins.flush(ctx); err != nil {
		return fmt.Errorf("index %s: %w", rows[0].Kind, err)
	}
	return nil
}

const issuableColumns = `i.id, i.project_id, i.kind, i.iid, i.position, i.state, i.title, i.description,
	i.author_id, i.assignee_ids, i.milestone, i.labels, i.confidential, i.created_at, i.updated_at, i.due_date,
	i.source_branch, i.target_branch, i.user_notes, i.upvotes, i.downvotes, i.summary`

func scanIssuable(rows *sql.Rows) (Issuable, error) {
	var (
		r                              Issuable
		author                         sql.NullInt64
		assignees, labels, summary     string
		milestone, due, source, target sql.NullString
	)
	err := rows.Scan(&r.ID, &r.ProjectID, &r.Kind, &r.IID, &r.Position, &r.State, &r.Title, &r.Description,
		&author, &assignees, &milestone, &labels, &r.Confidential, &r.CreatedAt, &r.UpdatedAt, &due,
		&source, &target, &r.UserNotes, &r.Upvotes, &r.Downvotes, &summary)
	r.AuthorID, r.Milestone, r.DueDate = author.Int64, milestone.String, due.String
	r.SourceBranch, r.TargetBranch = source.String, target.String
	r.AssigneeIDs, r.Labels = splitIDs(assignees), splitList(labels)
	if err == nil && summary != "" {
		err = json.Unmarshal([]byte(summary), &r.Summary)
	}
	return r, mapError(err)
}

// RelationRecordAt returns the record of relation at position, put
// together from its parts. Returns ErrNotFound if there is none.
func (q queries) RelationRecordAt(ctx context.Context, projectID int64, relation string, position int64) ([]byte, error) {
	return q.recordAt(ctx, projectRecords, projectID, relation, position)
}

func (q queries) recordAt(ctx context.Context, t recordTable, ownerID int64, relation string, position int64) ([]byte, error) {
	rows, err := q.query(ctx, `SELECT data FROM `+t.records+`
		WHERE `+t.owner+` = ? AND relation = ? AND position = ? ORDER BY part`, ownerID, relation, position)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rec []byte
	found := false
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, mapError(err)
		}
		rec, found = append(rec, data...), true
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	if !found {
		return nil, ferry.ErrNotFound
	}
	return rec, nil
}

// joinList keeps a list as ",a,b," ("" for none), so that LIKE '%,a,%'
// finds a member.
func joinList(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return "," + strings.Join(items, ",") + ","
}

func splitList(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func joinIDs(ids []int64) string {
	items := make([]string, len(ids))
	for i, id := range ids {
		items[i] = fmt.Sprint(id)
	}
	return joinList(items)
}

func splitIDs(s string) []int64 {
	items := splitList(s)
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		var id int64
		if _, err := fmt.Sscan(it, &id); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// TimeText is how the read model writes times (UTC, milliseconds), so
// that they sort as text.
const TimeText = "2006-01-02T15:04:05.000Z"

// UTCText writes an archive's time as TimeText; text that is no time is
// kept as it is.
func UTCText(s string) string {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05 MST", "2006-01-02 15:04:05.999999999 -0700",
		"2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format(TimeText)
		}
	}
	return s
}

// IssuableSummary is what the API shows of an issue or merge request
// beyond the index columns, kept as JSON in the summary column: read from
// the record on import (user references mapped), so that showing one
// never reads its record. Empty fields are null in GitLab's entities.
type IssuableSummary struct {
	NoDescription    bool   `json:"no_description,omitempty"` // description is null
	ClosedAt         string `json:"closed_at,omitempty"`
	ClosedByID       int64  `json:"closed_by_id,omitempty"`
	DiscussionLocked *bool  `json:"discussion_locked,omitempty"`
	IssueType        string `json:"issue_type,omitempty"`
	TimeEstimate     int64  `json:"time_estimate,omitempty"`
	TotalTimeSpent   int64  `json:"total_time_spent,omitempty"`
	// merge requests
	MergeStatus               string `json:"merge_status,omitempty"`
	MergeWhenPipelineSucceeds bool   `json:"merge_when_pipeline_succeeds,omitempty"`
	DiffHeadSHA               string `json:"diff_head_sha,omitempty"`
	MergeCommitSHA            string `json:"merge_commit_sha,omitempty"`
	SquashCommitSHA           string `json:"squash_commit_sha,omitempty"`
	Squash                    bool   `json:"squash,omitempty"`
	MergeUserID               int64  `json:"merge_user_id,omitempty"`
	ForceRemoveSourceBranch   bool   `json:"force_remove_source_branch,omitempty"`
	MergedByID                int64  `json:"merged_by_id,omitempty"`
	MergedAt                  string `json:"merged_at,omitempty"`
	LatestClosedByID          int64  `json:"latest_closed_by_id,omitempty"`
	LatestClosedAt            string `json:"latest_closed_at,omitempty"`
	MergeError                string `json:"merge_error,omitempty"`
	// of the merge request's diff
	ChangesCount string `json:"changes_count,omitempty"`
	BaseSHA      string `json:"base_sha,omitempty"`
	HeadSHA      string `json:"head_sha,omitempty"`
	StartSHA     string `json:"start_sha,omitempty"`
}

func summaryText(s IssuableSummary) string {
	b, _ := json.Marshal(s) // plain fields: never fails
	return string(b)
}

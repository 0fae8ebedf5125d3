package content

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// record is what an entity shows of a stored issue or merge request
// record beyond its index row; the notes are left in the record.
type record struct {
	Title            string  `json:"title"`
	Description      *string `json:"description"`
	ClosedAt         *string `json:"closed_at"`
	ClosedByID       *int64  `json:"closed_by_id"`
	DiscussionLocked *bool   `json:"discussion_locked"`
	IssueType        string  `json:"issue_type"`
	WorkItemType     *struct {
		BaseType string `json:"base_type"`
		Name     string `json:"name"`
	} `json:"work_item_type"`
	TimeEstimate int64 `json:"time_estimate"`
	Timelogs     []struct {
		TimeSpent int64 `json:"time_spent"`
	} `json:"timelogs"`
	Milestone *milestoneRecord `json:"milestone"`
	// merge requests
	MergeStatus               string         `json:"merge_status"`
	MergeWhenPipelineSucceeds bool           `json:"merge_when_pipeline_succeeds"`
	DiffHeadSHA               *string        `json:"diff_head_sha"`
	MergeCommitSHA            *string        `json:"merge_commit_sha"`
	SquashCommitSHA           *string        `json:"squash_commit_sha"`
	Squash                    bool           `json:"squash"`
	MergeError                *string        `json:"merge_error"`
	MergeUserID               *int64         `json:"merge_user_id"`
	MergeParams               map[string]any `json:"merge_params"`
	Metrics                   *struct {
		MergedByID       *int64  `json:"merged_by_id"`
		MergedAt         *string `json:"merged_at"`
		LatestClosedByID *int64  `json:"latest_closed_by_id"`
		LatestClosedAt   *string `json:"latest_closed_at"`
	} `json:"metrics"`
}

type milestoneRecord struct {
	IID         int64   `json:"iid"`
	Title       string  `json:"title"`
	Description *string `json:"description"`
	State       string  `json:"state"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	DueDate     *string `json:"due_date"`
	StartDate   *string `json:"start_date"`
}

// load reads row's project and stored record.
func (r *Reader) load(ctx context.Context, l *lookups, row store.Issuable) (ferry.Project, record, error) {
	var rec record
	p, err := l.project(ctx, row.ProjectID)
	if err != nil {
		return p, rec, err
	}
	data, err := r.db.RelationRecordAt(ctx, row.ProjectID, row.Kind, row.Position)
	if err != nil {
		return p, rec, err
	}
	return p, rec, json.Unmarshal(data, &rec)
}

// Milestone is GitLab's Milestone entity; its id is the stored record's
// row id (null should a record name a milestone the project lacks).
type Milestone struct {
	ID          *int64  `json:"id"`
	IID         int64   `json:"iid"`
	ProjectID   int64   `json:"project_id"`
	Title       string  `json:"title"`
	Description *string `json:"description"`
	State       string  `json:"state"`
	CreatedAt   *string `json:"created_at"`
	UpdatedAt   *string `json:"updated_at"`
	DueDate     *string `json:"due_date"`
	StartDate   *string `json:"start_date"`
	Expired     bool    `json:"expired"`
	WebURL      string  `json:"web_url"`
}

func (r *Reader) milestone(p ferry.Project, m *milestoneRecord) *Milestone {
	if m == nil {
		return nil
	}
	expired := m.DueDate != nil && *m.DueDate < time.Now().UTC().Format(time.DateOnly)
	return &Milestone{IID: m.IID, ProjectID: p.ID, Title: m.Title, Description: m.Description, State: milestoneState(m.State),
		CreatedAt: timeText(m.CreatedAt), UpdatedAt: timeText(m.UpdatedAt), DueDate: m.DueDate,
		StartDate: m.StartDate, Expired: expired,
		WebURL: r.base + "/" + p.FullPath() + "/-/milestones/" + itoa(m.IID)}
}

// timeText is an archive's time as GitLab shows it (null for none).
func timeText(s string) *string {
	if s == "" {
		return nil
	}
	t := store.UTCText(s)
	return &t
}

func timePtr(s *string) *string {
	if s == nil {
		return nil
	}
	return timeText(*s)
}

func id(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// draft reports whether a title marks a draft, as GitLab's
// MergeRequest.draft? reads it (Gitlab::Regex.merge_request_draft).
func draft(title string) bool {
	t := strings.ToLower(title)
	for _, prefix := range []string{"[draft]", "draft:", "(draft)"} {
		if strings.HasPrefix(t, prefix) {
			return true
		}
	}
	return false
}

// issueTypes are the work item types an issue can have.
var issueTypes = map[string]bool{"issue": true, "incident": true, "test_case": true, "requirement": true,
	"task": true, "objective": true, "key_result": true, "ticket": true}

// issueType is an issue's type as GitLab's importer sets it: the work
// item type's base type, or the one its name names, or issue_type; an
// unknown type is issue.
func (rec record) issueType() string {
	if w := rec.WorkItemType; w != nil {
		name := strings.ReplaceAll(strings.ToLower(w.Name), " ", "_")
		for _, t := range []string{w.BaseType, name} {
			if issueTypes[t] {
				return t
			}
		}
	}
	if issueTypes[rec.IssueType] {
		return rec.IssueType
	}
	return "issue"
}

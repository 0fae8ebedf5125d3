package content

import (
	"context"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// Issue is GitLab's Issue entity (IssueBasic and Issue, CE fields).
type Issue struct {
	Issuable
	ClosedAt             *string        `json:"closed_at"`
	ClosedBy             *UserBasic     `json:"closed_by"`
	Labels               any            `json:"labels"` // titles, or []LabelBasic (with_labels_details)
	Milestone            *Milestone     `json:"milestone"`
	Assignees            []UserBasic    `json:"assignees"`
	Author               *UserBasic     `json:"author"`
	Type                 string         `json:"type"`
	Assignee             *UserBasic     `json:"assignee"`
	UserNotesCount       int64          `json:"user_notes_count"`
	MergeRequestsCount   int64          `json:"merge_requests_count"`
	Upvotes              int64          `json:"upvotes"`
	Downvotes            int64          `json:"downvotes"`
	DueDate              *string        `json:"due_date"`
	Confidential         bool           `json:"confidential"`
	DiscussionLocked     *bool          `json:"discussion_locked"`
	IssueType            string         `json:"issue_type"`
	WebURL               string         `json:"web_url"`
	TimeStats            TimeStats      `json:"time_stats"`
	TaskCompletionStatus TaskCompletion `json:"task_completion_status"`
	HasTasks             bool           `json:"has_tasks"`
	Links                IssueLinks     `json:"_links"`
	References           References     `json:"references"`
	Severity             string         `json:"severity"`
	Subscribed           bool           `json:"subscribed"`
	MovedToID            *int64         `json:"moved_to_id"`
	Imported             bool           `json:"imported"`
	ImportedFrom         string         `json:"imported_from"`
	ServiceDeskReplyTo   *string        `json:"service_desk_reply_to"`
}

// Issuable is what issues and merge requests show first (GitLab's
// IssuableEntity).
type Issuable struct {
	ID          int64   `json:"id"`
	IID         int64   `json:"iid"`
	ProjectID   int64   `json:"project_id"`
	Title       string  `json:"title"`
	Description *string `json:"description"`
	State       string  `json:"state"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func issuable(row store.Issuable, state string) Issuable {
	e := Issuable{ID: row.ID, IID: row.IID, ProjectID: row.ProjectID, Title: row.Title, State: state,
		CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}
	if !row.Summary.NoDescription {
		e.Description = &row.Description
	}
	return e
}

// TimeStats is GitLab's IssuableTimeStats.
type TimeStats struct {
	TimeEstimate        int64   `json:"time_estimate"`
	TotalTimeSpent      int64   `json:"total_time_spent"`
	HumanTimeEstimate   *string `json:"human_time_estimate"`
	HumanTotalTimeSpent *string `json:"human_total_time_spent"`
}

// TaskCompletion is GitLab's TaskCompletionStatus.
type TaskCompletion struct {
	Count          int `json:"count"`
	CompletedCount int `json:"completed_count"`
}

// IssueLinks are an issue's _links.
type IssueLinks struct {
	Self                string  `json:"self"`
	Notes               string  `json:"notes"`
	AwardEmoji          string  `json:"award_emoji"`
	Project             string  `json:"project"`
	ClosedAsDuplicateOf *string `json:"closed_as_duplicate_of"`
}

// References is GitLab's IssuableReferences.
type References struct {
	Short    string `json:"short"`
	Relative string `json:"relative"`
	Full     string `json:"full"`
}

// ImportedFrom is imported_from of what an import stored (GitLab's
// Import::HasImportSource source of a project export).
const ImportedFrom = "gitlab_project"

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (r *Reader) issue(ctx context.Context, l *lookups, row store.Issuable) (Issue, error) {
	p, err := l.project(ctx, row.ProjectID)
	if err != nil {
		return Issue{}, err
	}
	sum := row.Summary
	e := Issue{Issuable: issuable(row, issueState(row.State)), ClosedAt: timeText(sum.ClosedAt),
		Labels: sorted(row.Labels), UserNotesCount: row.UserNotes, Upvotes: row.Upvotes, Downvotes: row.Downvotes,
		DueDate: nonEmpty(row.DueDate), Confidential: row.Confidential, DiscussionLocked: sum.DiscussionLocked,
		IssueType: sum.IssueType, WebURL: r.base + "/" + p.FullPath() + "/-/issues/" + itoa(row.IID),
		TimeStats: timeStats(sum), Links: r.issueLinks(p, row.IID), References: references(p, "#", row.IID),
		Severity: "UNKNOWN", Imported: true, ImportedFrom: ImportedFrom}
	if e.IssueType == "" {
		e.IssueType = "issue"
	}
	e.Type = strings.ToUpper(e.IssueType)
	if e.Milestone, err = l.milestone(ctx, p, row.Milestone); err != nil {
		return e, err
	}
	if e.ClosedBy, err = l.user(ctx, sum.ClosedByID); err != nil {
		return e, err
	}
	e.Author, e.Assignees, e.Assignee, err = l.people(ctx, row)
	return e, err
}

func (r *Reader) issueLinks(p ferry.Project, iid int64) IssueLinks {
	api := r.base + "/api/v4/projects/" + itoa(p.ID)
	self := api + "/issues/" + itoa(iid)
	return IssueLinks{Self: self, Notes: self + "/notes", AwardEmoji: self + "/award_emoji", Project: api}
}

// references are an issuable's references seen from its own project.
func references(p ferry.Project, sigil string, iid int64) References {
	short := sigil + itoa(iid)
	return References{Short: short, Relative: short, Full: p.FullPath() + short}
}

// issueState is GitLab's state of an issue: reopened ones are opened.
func issueState(s string) string {
	if s == "reopened" {
		return "opened"
	}
	return s
}

func timeStats(sum store.IssuableSummary) TimeStats {
	ts := TimeStats{TimeEstimate: sum.TimeEstimate, TotalTimeSpent: sum.TotalTimeSpent}
	ts.HumanTimeEstimate, ts.HumanTotalTimeSpent = humanTime(ts.TimeEstimate), humanTime(ts.TotalTimeSpent)
	return ts
}

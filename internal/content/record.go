package content

import (
	"strings"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

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

package content

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// GroupMilestone is GitLab's Milestone entity for a group's milestone:
// group_id where a project's has project_id; its id is the stored
// record's row id.
type GroupMilestone struct {
	ID          int64   `json:"id"`
	IID         int64   `json:"iid"`
	GroupID     int64   `json:"group_id"`
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

func (r *Reader) groupMilestone(g ferry.Namespace, id int64, m *milestoneRecord) GroupMilestone {
	expired := m.DueDate != nil && *m.DueDate != "" && *m.DueDate < time.Now().UTC().Format(time.DateOnly)
	return GroupMilestone{ID: id, IID: m.IID, GroupID: g.ID, Title: m.Title, Description: m.Description,
		State: milestoneState(m.State), CreatedAt: timeText(m.CreatedAt), UpdatedAt: timeText(m.UpdatedAt),
		DueDate: emptyNil(m.DueDate), StartDate: emptyNil(m.StartDate), Expired: expired,
		WebURL: r.base + "/groups/" + g.FullPath + "/-/milestones/" + itoa(m.IID)}
}

func emptyNil(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return s
}

// GroupMilestones returns the page of the milestones of groups (a group,
// and its ancestors when include_parent_milestones asks) that f selects,
// and their total, in the order of Milestones.
func (r *Reader) GroupMilestones(ctx context.Context, groups []ferry.Namespace, f MilestoneFilter, pg store.Page) ([]GroupMilestone, int, error) {
	byID := map[int64]ferry.Namespace{}
	ids := make([]int64, 0, len(groups))
	for _, g := range groups {
		byID[g.ID] = g
		ids = append(ids, g.ID)
	}
	all, err := groupRecords[milestoneRecord](ctx, r.db, "milestones", ids...)
	if err != nil {
		return nil, 0, err
	}
	kept := all[:0]
	for _, m := range all {
		if f.keeps(m.rec) {
			kept = append(kept, m)
		}
	}
	slices.SortStableFunc(kept, func(a, b groupRecord[milestoneRecord]) int {
		if c := strings.Compare(dueKey(a.rec), dueKey(b.rec)); c != 0 {
			return c
		}
		return int(b.id - a.id)
	})
	page := window(kept, pg)
	out := make([]GroupMilestone, 0, len(page))
	for _, m := range page {
		out = append(out, r.groupMilestone(byID[m.groupID], m.id, &m.rec))
	}
	return out, len(kept), nil
}

func dueKey(m milestoneRecord) string {
	if m.DueDate == nil || *m.DueDate == "" {
		return "~" // after every date
	}
	return *m.DueDate
}

// GroupMilestone returns milestone id of group g. Returns
// ferry.ErrNotFound if g has none.
func (r *Reader) GroupMilestone(ctx context.Context, g ferry.Namespace, id int64) (GroupMilestone, error) {
	_, data, err := r.db.GroupRelationRecordByID(ctx, g.ID, "milestones", id)
	if err != nil {
		return GroupMilestone{}, err
	}
	m, err := decode[milestoneRecord]("milestones", id, data)
	if err != nil {
		return GroupMilestone{}, err
	}
	return r.groupMilestone(g, id, m), nil
}

// MilestoneInput is what creates or changes a milestone; a nil field is
// left as it is, an empty date clears it. StateEvent is close or
// activate ("" for none).
type MilestoneInput struct {
	Title, Description, DueDate, StartDate *string
	StateEvent                             string
	// Projects are the group's projects, whose milestones' titles a group
	// milestone may not take either.
	Projects []int64
}

// CreateGroupMilestone adds a milestone to group g with the next iid.
// Returns an *InvalidError for a title g already has or dates GitLab's
// Milestone model refuses.
func (r *Reader) CreateGroupMilestone(ctx context.Context, g ferry.Namespace, in MilestoneInput) (GroupMilestone, error) {
	var out GroupMilestone
	err := r.groupTx(ctx, g.ID, func(tx *store.Tx) error {
		all, err := groupRecords[milestoneRecord](ctx, tx, "milestones", g.ID)
		if err != nil {
			return err
		}
		m := milestoneRecord{Title: strings.TrimSpace(deref(in.Title)), Description: in.Description, State: "active",
			DueDate: dateOf(in.DueDate), StartDate: dateOf(in.StartDate)}
		for _, o := range all {
			m.IID = max(m.IID, o.rec.IID)
		}
		m.IID++
		if err := r.validateMilestone(ctx, m, all, -1, in.Projects); err != nil {
			return err
		}
		now := archiveNow()
		m.CreatedAt, m.UpdatedAt = now, now
		f := newFields(g.ID, now)
		f.set("title", m.Title)
		f.set("description", m.Description)
		f.set("due_date", m.DueDate)
		f.set("state", m.State)
		f.set("iid", m.IID)
		f.set("start_date", m.StartDate)
		id, err := appendRecord(ctx, tx, g.ID, "milestones", f)
		if err != nil {
			return err
		}
		out = r.groupMilestone(g, id, &m)
		return nil
	})
	return out, err
}

// UpdateGroupMilestone changes milestone id of group g. Returns
// ferry.ErrNotFound if g has none, an *InvalidError as
// CreateGroupMilestone does.
func (r *Reader) UpdateGroupMilestone(ctx context.Context, g ferry.Namespace, id int64, in MilestoneInput) (GroupMilestone, error) {
	var out GroupMilestone
	err := r.groupTx(ctx, g.ID, func(tx *store.Tx) error {
		all, err := groupRecords[milestoneRecord](ctx, tx, "milestones", g.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(all, func(m groupRecord[milestoneRecord]) bool { return m.id == id })
		if i < 0 {
			return ferry.ErrNotFound
		}
		m := all[i].rec
		if in.Title != nil {
			m.Title = strings.TrimSpace(*in.Title)
		}
		if in.Description != nil {
			m.Description = in.Description
		}
		if in.DueDate != nil {
			m.DueDate = dateOf(in.DueDate)
		}
		if in.StartDate != nil {
			m.StartDate = dateOf(in.StartDate)
		}
		switch in.StateEvent {
		case "close":
			m.State = "closed"
		case "activate":
			m.State = "active"
		}
		if err := r.validateMilestone(ctx, m, all, id, in.Projects); err != nil {
			return err
		}
		m.UpdatedAt = archiveNow()
		if _, err := updateByID(ctx, tx, g.ID, "milestones", id, func(f recordFields) error {
			f.set("title", m.Title)
			f.set("description", m.Description)
			f.set("due_date", m.DueDate)
			f.set("start_date", m.StartDate)
			f.set("state", milestoneState(m.State))
			f.set("updated_at", m.UpdatedAt)
			return nil
		}); err != nil {
			return err
		}
		out = r.groupMilestone(g, id, &m)
		return nil
	})
	return out, err
}

// DeleteGroupMilestone removes milestone id of group g. Returns
// ferry.ErrNotFound if g has none.
func (r *Reader) DeleteGroupMilestone(ctx context.Context, g ferry.Namespace, id int64) error {
	return r.groupTx(ctx, g.ID, func(tx *store.Tx) error { return deleteByID(ctx, tx, g.ID, "milestones", id) })
}

// validateMilestone is GitLab's Milestone validations: a title present,
// of at most 255 characters, not another milestone's of the group or of
// one of its projects; a start date not after the due date.
func (r *Reader) validateMilestone(ctx context.Context, m milestoneRecord, all []groupRecord[milestoneRecord], self int64, projects []int64) error {
	e := &InvalidError{}
	taken := slices.ContainsFunc(all, func(o groupRecord[milestoneRecord]) bool { return o.id != self && o.rec.Title == m.Title })
	for _, p := range projects {
		if taken {
			break
		}
		err := r.db.EachRelationRow(ctx, p, "milestones", func(id int64, data []byte) error {
			pm, err := decode[milestoneRecord]("milestones", id, data)
			if err == nil && pm.Title == m.Title {
				taken, err = true, errStop
			}
			return err
		})
		if err != nil && err != errStop {
			return err
		}
	}
	if m.Title == "" {
		e.add("title", "can't be blank")
	}
	if len([]rune(m.Title)) > 255 {
		e.add("title", "is too long (maximum is 255 characters)")
	}
	if taken {
		e.add("title", "already being used for another group or project milestone.")
	}
	if m.StartDate != nil && m.DueDate != nil && *m.DueDate < *m.StartDate {
		e.add("due_date", "must be greater than start date")
	}
	return e.err()
}

// dateOf is a date parameter as a milestone keeps it: nil for none or
// for what is not a date (Rails casts those to nil), else YYYY-MM-DD.
func dateOf(s *string) *string {
	if s == nil {
		return nil
	}
	v := strings.TrimSpace(*s)
	for _, layout := range []string{time.DateOnly, time.RFC3339, "2006-01-02T15:04:05", "2006/01/02"} {
		if t, err := time.Parse(layout, v); err == nil {
			d := t.Format(time.DateOnly)
			return &d
		}
	}
	return nil
}

package content

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// MilestoneFilter selects a project's milestones (lib/api/milestone_responses.rb
// list_params): State active or closed ("" for all), IIDs, an exact
// Title, Search in title and description, and updated_at bounds
// (store.TimeText).
type MilestoneFilter struct {
	State                       string
	IIDs                        []int64
	Title, Search               string
	UpdatedBefore, UpdatedAfter string
}

func (f MilestoneFilter) keeps(m milestoneRecord) bool {
	updated := store.UTCText(m.UpdatedAt)
	search := strings.ToLower(f.Search)
	switch {
	case f.State != "" && milestoneState(m.State) != f.State,
		len(f.IIDs) > 0 && !slices.Contains(f.IIDs, m.IID),
		f.Title != "" && m.Title != f.Title,
		search != "" && !strings.Contains(strings.ToLower(m.Title+"\x00"+deref(m.Description)), search),
		f.UpdatedBefore != "" && updated > f.UpdatedBefore,
		f.UpdatedAfter != "" && updated < f.UpdatedAfter:
		return false
	}
	return true
}

func milestoneState(s string) string {
	if s == "" {
		return "active"
	}
	return s
}

// Milestones returns the page of project p's milestones f selects and
// their total, as GitLab orders them: by due date (none last), then the
// newest first. A milestone's id is its stored record's row id.
func (r *Reader) Milestones(ctx context.Context, p ferry.Project, f MilestoneFilter, pg store.Page) ([]Milestone, int, error) {
	var entries []catalogEntry
	err := r.db.EachRelationRow(ctx, p.ID, "milestones", func(id int64, data []byte) error {
		var m milestoneRecord
		if err := json.Unmarshal(data, &m); err != nil {
			return err
		}
		if f.keeps(m) {
			due := "~" // after every date
			if m.DueDate != nil && *m.DueDate != "" {
				due = *m.DueDate
			}
			entries = append(entries, catalogEntry{id: id, key: due, title: m.Title})
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	slices.SortStableFunc(entries, func(a, b catalogEntry) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return int(b.id - a.id)
	})
	page := window(entries, pg)
	out := make([]Milestone, 0, len(page))
	err = r.eachOf(ctx, p, "milestones", page, func(id int64, data []byte) error {
		var m milestoneRecord
		if err := json.Unmarshal(data, &m); err != nil {
			return err
		}
		e := r.milestone(p, &m)
		e.ID = &id
		out = append(out, *e)
		return nil
	})
	return out, len(entries), err
}

// milestonesByTitle is project p's milestones by title (the first of a
// title), as an issuable shows one.
func (r *Reader) milestonesByTitle(ctx context.Context, p ferry.Project) (map[string]Milestone, error) {
	byTitle := map[string]Milestone{}
	err := r.db.EachRelationRow(ctx, p.ID, "milestones", func(id int64, data []byte) error {
		var m milestoneRecord
		if err := json.Unmarshal(data, &m); err != nil {
			return err
		}
		if _, seen := byTitle[m.Title]; !seen {
			e := r.milestone(p, &m)
			e.ID = &id
			byTitle[m.Title] = *e
		}
		return nil
	})
	return byTitle, err
}

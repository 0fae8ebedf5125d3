package content

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// ProjectLabels is Labels with the labels of groups (the project's group
// and its ancestors, as include_ancestor_groups asks) among them, as
// GitLab's LabelsFinder lists a project's labels: by title, a group's
// label with is_project_label false and no priority.
func (r *Reader) ProjectLabels(ctx context.Context, p ferry.Project, groups []int64, search string, pg store.Page) ([]Label, int, error) {
	if len(groups) == 0 {
		return r.Labels(ctx, p, search, pg)
	}
	search = strings.ToLower(search)
	type entry struct {
		catalogEntry
		group *labelRecord
	}
	var entries []entry
	keep := func(l *labelRecord) bool {
		return search == "" || strings.Contains(strings.ToLower(l.Title+"\x00"+deref(l.Description)), search)
	}
	err := r.db.EachRelationRow(ctx, p.ID, "labels", func(id int64, data []byte) error {
		var l labelRecord
		if err := json.Unmarshal(data, &l); err != nil {
			return err
		}
		if keep(&l) {
			entries = append(entries, entry{catalogEntry: catalogEntry{id: id, key: l.Title, title: l.Title}})
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	grouped, err := groupRecords[labelRecord](ctx, r.db, "labels", groups...)
	if err != nil {
		return nil, 0, err
	}
	for i := range grouped {
		if l := &grouped[i].rec; keep(l) {
			entries = append(entries, entry{catalogEntry: catalogEntry{id: grouped[i].id, key: l.Title, title: l.Title}, group: l})
		}
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	page := window(entries, pg)
	var own []catalogEntry
	for _, e := range page {
		if e.group == nil {
			own = append(own, e.catalogEntry)
		}
	}
	projectLabels := map[int64]Label{}
	if err := r.eachOf(ctx, p, "labels", own, func(id int64, data []byte) error {
		var l labelRecord
		if err := json.Unmarshal(data, &l); err != nil {
			return err
		}
		e := Label{LabelBasic: l.basic(id), IsProjectLabel: true}
		if len(l.Priorities) > 0 {
			e.Priority = &l.Priorities[0].Priority
		}
		projectLabels[id] = e
		return nil
	}); err != nil {
		return nil, 0, err
	}
	out := make([]Label, 0, len(page))
	for _, e := range page {
		if e.group != nil {
			out = append(out, Label{LabelBasic: e.group.basic(e.id)})
		} else if l, ok := projectLabels[e.id]; ok {
			out = append(out, l)
		}
	}
	return out, len(entries), nil
}

// ProjectMilestones is Milestones with the milestones of groups (the
// project's group and its ancestors, as include_parent_milestones asks)
// among them, in the same order; a group's shows as GroupMilestone.
func (r *Reader) ProjectMilestones(ctx context.Context, p ferry.Project, groups []ferry.Namespace, f MilestoneFilter, pg store.Page) ([]any, int, error) {
	if len(groups) == 0 {
		list, total, err := r.Milestones(ctx, p, f, pg)
		out := make([]any, len(list))
		for i := range list {
			out[i] = list[i]
		}
		return out, total, err
	}
	type entry struct {
		id  int64
		due string
		m   *milestoneRecord
		g   *ferry.Namespace
	}
	var entries []entry
	err := r.db.EachRelationRow(ctx, p.ID, "milestones", func(id int64, data []byte) error {
		var m milestoneRecord
		if err := json.Unmarshal(data, &m); err != nil {
			return err
		}
		if f.keeps(m) {
			entries = append(entries, entry{id: id, due: dueKey(m), m: &m})
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	byID := map[int64]*ferry.Namespace{}
	ids := make([]int64, len(groups))
	for i := range groups {
		byID[groups[i].ID], ids[i] = &groups[i], groups[i].ID
	}
	grouped, err := groupRecords[milestoneRecord](ctx, r.db, "milestones", ids...)
	if err != nil {
		return nil, 0, err
	}
	for i := range grouped {
		if m := &grouped[i].rec; f.keeps(*m) {
			entries = append(entries, entry{id: grouped[i].id, due: dueKey(*m), m: m, g: byID[grouped[i].groupID]})
		}
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		if c := strings.Compare(a.due, b.due); c != 0 {
			return c
		}
		return int(b.id - a.id)
	})
	page := window(entries, pg)
	out := make([]any, 0, len(page))
	for _, e := range page {
		if e.g != nil {
			out = append(out, r.groupMilestone(*e.g, e.id, e.m))
			continue
		}
		m := r.milestone(p, e.m)
		id := e.id
		m.ID = &id
		out = append(out, *m)
	}
	return out, len(entries), nil
}

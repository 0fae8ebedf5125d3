package web

import (
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
)

// A group's content pages, read through internal/content as the API's
// group endpoints read it: /groups/<g>/-/labels (the group's labels and
// its readable ancestors', GitLab's default), /-/milestones (the
// group's, ?state=active, closed or all) and /-/boards (with their label
// lists). The group's badges are on its own page (namespaces.go).

// groupLabelsView is a page of a group's labels.
type groupLabelsView struct {
	Group  ferry.Namespace
	Search string
	Labels []content.GroupLabel
	Pages  pager
}

// withAncestors is r's group id and its readable ancestors'.
func (s *Web) withAncestors(r *request) ([]int64, error) {
	ancestors, err := s.access.ReadableAncestors(r.ctx(), r.user, *r.group)
	if err != nil {
		return nil, err
	}
	ids := []int64{r.group.ID}
	for _, n := range ancestors {
		ids = append(ids, n.ID)
	}
	return ids, nil
}

// groupLabels is /groups/<g>/-/labels (?search= filters by name).
func (s *Web) groupLabels(w http.ResponseWriter, r *request) error {
	if r.rest != "" {
		return ferry.ErrNotFound
	}
	groups, err := s.withAncestors(r)
	if err != nil {
		return err
	}
	v := groupLabelsView{Group: *r.group, Search: r.URL.Query().Get("search")}
	pg := s.pageOf(r)
	list, total, err := s.content.GroupLabels(r.ctx(), content.LabelSources{Groups: groups}, v.Search, nil, pg)
	if err != nil {
		return err
	}
	v.Labels, v.Pages = list, newPager(r, pg, total)
	return s.render(w, r, "group_labels", v)
}

// groupMilestonesView is a page of a group's milestones.
type groupMilestonesView struct {
	Group      ferry.Namespace
	States     []stateTab
	Milestones []content.GroupMilestone
	Pages      pager
}

// groupMilestones is /groups/<g>/-/milestones.
func (s *Web) groupMilestones(w http.ResponseWriter, r *request) error {
	if r.rest != "" {
		return ferry.ErrNotFound
	}
	v := groupMilestonesView{Group: *r.group}
	state, tabs := stateTabs(r, milestoneStates, r.URL.Query().Get("state"))
	if v.States = tabs; state == "all" {
		state = ""
	}
	pg := s.pageOf(r)
	list, total, err := s.content.GroupMilestones(r.ctx(), []ferry.Namespace{*r.group}, content.MilestoneFilter{State: state}, pg)
	if err != nil {
		return err
	}
	v.Milestones, v.Pages = list, newPager(r, pg, total)
	return s.render(w, r, "group_milestones", v)
}

// groupBoardsView is a group's boards.
type groupBoardsView struct {
	Group  ferry.Namespace
	Boards []content.Board
	Pages  pager
}

// groupBoards is /groups/<g>/-/boards: each board with its lists.
func (s *Web) groupBoards(w http.ResponseWriter, r *request) error {
	if r.rest != "" {
		return ferry.ErrNotFound
	}
	labels, err := s.withAncestors(r)
	if err != nil {
		return err
	}
	pg := s.pageOf(r)
	list, total, err := s.content.GroupBoards(r.ctx(), *r.group, labels, pg)
	if err != nil {
		return err
	}
	return s.render(w, r, "group_boards", groupBoardsView{Group: *r.group, Boards: list, Pages: newPager(r, pg, total)})
}

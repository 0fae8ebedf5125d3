package web

import (
	"html/template"
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/store"
)

// milestoneStates are the milestone list's state filters, the default
// first.
var milestoneStates = []string{"active", "closed", "all"}

// milestonesView is a page of milestones, or one milestone with its
// issues.
type milestonesView struct {
	States     []stateTab
	Milestones []content.Milestone
	Pages      pager
	// Milestone is set on a milestone's own page.
	Milestone     *content.Milestone
	Description   template.HTML
	Issues        []content.Issue
	MergeRequests []content.MergeRequest
}

// milestones is /<project>/-/milestones (?state=active, closed or all)
// and /<project>/-/milestones/<iid>.
func (s *Web) milestones(w http.ResponseWriter, r *request) error {
	if r.rest != "" {
		return s.milestone(w, r)
	}
	state := r.URL.Query().Get("state")
	var v milestonesView
	if state, v.States = stateTabs(r, milestoneStates, state); state == "all" {
		state = ""
	}
	pg := s.pageOf(r)
	list, total, err := s.content.Milestones(r.ctx(), *r.project, content.MilestoneFilter{State: state}, pg)
	if err != nil {
		return err
	}
	v.Milestones, v.Pages = list, newPager(r, pg, total)
	return s.render(w, r, "milestones", v)
}

// milestone is one milestone, with the issues of it the visitor may see
// (paged) and its merge requests (the first page).
func (s *Web) milestone(w http.ResponseWriter, r *request) error {
	iid, tail, err := iidOf(r)
	if err != nil || tail != "" {
		return ferry.ErrNotFound
	}
	list, _, err := s.content.Milestones(r.ctx(), *r.project, content.MilestoneFilter{IIDs: []int64{iid}},
		store.Page{Number: 1, PerPage: 1})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return ferry.ErrNotFound
	}
	v := milestonesView{Milestone: &list[0]}
	if v.Description, err = s.markdownOf(r, list[0].Description); err != nil {
		return err
	}
	f := content.Filter{ProjectID: r.project.ID, Milestone: list[0].Title, CountLimit: listCountLimit,
		OrderBy: "created_at", Sort: "desc", Page: s.pageOf(r)}
	issues, total, err := s.content.Issues(r.ctx(), viewer(r), f)
	if err != nil {
		return err
	}
	v.Issues, v.Pages = issues, totalPager(r, f.Page, total)
	// The merge requests of the milestone: the first page of them.
	f.Page.Number = 1
	if v.MergeRequests, _, err = s.content.MergeRequests(r.ctx(), viewer(r), f); err != nil {
		return err
	}
	return s.render(w, r, "milestones", v)
}

package api

import (
	"net/http"

	"github.com/ferryhq/ferry/internal/content"
)

// listLabels is GET /projects/:id/labels (lib/api/labels.rb): search,
// pagination; with_counts and include_ancestor_groups are read as Grape
// reads them (Ferry's labels are all the project's).
func (a *API) listLabels(w http.ResponseWriter, r *request) error {
	p, _, err := a.findProject(r)
	if err != nil {
		return err
	}
	for _, key := range []string{"with_counts", "include_ancestor_groups"} {
		if _, err := r.params.boolean(key, false); err != nil {
			return err
		}
	}
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	search, _ := r.params.str("search")
	labels, total, err := a.content.Labels(r.ctx(), p, search, pg.store())
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, labels)
	return nil
}

// listMilestones is GET /projects/:id/milestones
// (lib/api/milestone_responses.rb list_params).
func (a *API) listMilestones(w http.ResponseWriter, r *request) error {
	p, _, err := a.findProject(r)
	if err != nil {
		return err
	}
	var f content.MilestoneFilter
	if f.State, err = r.params.oneOf("state", "all", "active", "closed", "all"); err != nil {
		return err
	}
	if f.State == "all" {
		f.State = ""
	}
	var ff content.Filter // iids[] and the updated_* times, read as the issue lists read them
	if err := readIIDs(r, &ff); err != nil {
		return err
	}
	if err := readTimes(r, &ff); err != nil {
		return err
	}
	f.IIDs, f.UpdatedBefore, f.UpdatedAfter = ff.IIDs, ff.UpdatedBefore, ff.UpdatedAfter
	f.Title, _ = r.params.str("title")
	f.Search, _ = r.params.str("search")
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	milestones, total, err := a.content.Milestones(r.ctx(), p, f, pg.store())
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, milestones)
	return nil
}

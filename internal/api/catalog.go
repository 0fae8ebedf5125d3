package api

import (
	"errors"
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
)

// listLabels is GET /projects/:id/labels (lib/api/labels.rb): search,
// include_ancestor_groups (the labels of the project's group and its
// ancestors among the project's), pagination; with_counts is read as
// Grape reads it.
func (a *API) listLabels(w http.ResponseWriter, r *request) error {
	p, level, err := a.findProject(r)
	if err != nil {
		return err
	}
	if _, err := r.params.boolean("with_counts", false); err != nil {
		return err
	}
	ancestors, err := r.params.boolean("include_ancestor_groups", true)
	if err != nil {
		return err
	}
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	groups, err := a.projectLabelGroups(r, p, level, ancestors)
	if err != nil {
		return err
	}
	search, _ := r.params.str("search")
	labels, total, err := a.content.ProjectLabels(r.ctx(), p, groups, search, pg.store())
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, labels)
	return nil
}

// projectLabelGroups are the groups whose labels a project's list shows
// (GitLab's LabelsFinder): the project's group and, with ancestors, the
// group's ancestors, those the caller may read labels of (a member of
// the project reads its groups' labels).
func (a *API) projectLabelGroups(r *request, p ferry.Project, level ferry.AccessLevel, ancestors bool) ([]int64, error) {
	if !p.Namespace.IsGroup() {
		return nil, nil
	}
	chain, err := a.db.Ancestors(r.ctx(), p.NamespaceID)
	if err != nil {
		return nil, err
	}
	if !ancestors {
		chain = chain[:1]
	}
	var ids []int64
	for _, g := range chain {
		if level < ferry.Guest {
			if _, err := a.access.ReadableGroup(r.ctx(), r.user, g); errors.Is(err, ferry.ErrNotFound) {
				continue
			} else if err != nil {
				return nil, err
			}
		}
		ids = append(ids, g.ID)
	}
	return ids, nil
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
	parents, err := r.params.boolean("include_parent_milestones", false)
	if err != nil {
		return err
	}
	var groups []ferry.Namespace
	if parents && p.Namespace.IsGroup() {
		if groups, err = a.db.Ancestors(r.ctx(), p.NamespaceID); err != nil {
			return err
		}
	}
	milestones, total, err := a.content.ProjectMilestones(r.ctx(), p, groups, f, pg.store())
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, milestones)
	return nil
}

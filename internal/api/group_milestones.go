package api

import (
	"errors"
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
)

// listGroupMilestones is GET /groups/:id/milestones: state, iids[],
// title, search, include_parent_milestones, updated_before/after.
func (a *API) listGroupMilestones(w http.ResponseWriter, r *request) error {
	f, err := milestoneFilter(r)
	if err != nil {
		return err
	}
	parents, err := r.params.boolean("include_parent_milestones", false)
	if err != nil {
		return err
	}
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	g, _, err := a.contentGroup(r)
	if err != nil {
		return err
	}
	groups := []ferry.Namespace{g}
	if parents {
		ancestors, err := a.groupAncestors(r, g)
		if err != nil {
			return err
		}
		groups = append(groups, ancestors...)
	}
	milestones, total, err := a.content.GroupMilestones(r.ctx(), groups, f, pg.store())
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, milestones)
	return nil
}

// milestoneFilter reads milestone_responses.rb's list_params.
func milestoneFilter(r *request) (content.MilestoneFilter, error) {
	var (
		f   content.MilestoneFilter
		err error
	)
	if f.State, err = r.params.oneOf("state", "all", "active", "closed", "all"); err != nil {
		return f, err
	}
	if f.State == "all" {
		f.State = ""
	}
	var ff content.Filter
	if err := readIIDs(r, &ff); err != nil {
		return f, err
	}
	if err := readTimes(r, &ff); err != nil {
		return f, err
	}
	f.IIDs, f.UpdatedBefore, f.UpdatedAfter = ff.IIDs, ff.UpdatedBefore, ff.UpdatedAfter
	f.Title, _ = r.params.str("title")
	f.Search, _ = r.params.str("search")
	return f, nil
}

// groupProjectIDs are the ids of g's own projects (not its sub-groups').
func (a *API) groupProjectIDs(r *request, g ferry.Namespace) ([]int64, error) {
	_, projects, err := a.db.NamespaceTree(r.ctx(), g.ID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, p := range projects {
		if p.NamespaceID == g.ID {
			ids = append(ids, p.ID)
		}
	}
	return ids, nil
}

// groupMilestoneID reads :milestone_id (Integer).
func groupMilestoneID(r *request) (int64, error) { return idParam(r, "milestone_id") }

// recordNotFound is GitLab's answer to ActiveRecord::RecordNotFound.
var recordNotFound = &httpError{Status: http.StatusNotFound, Body: message{"404 Not found"}}

func orRecordNotFound(err error) error {
	if errors.Is(err, ferry.ErrNotFound) {
		return recordNotFound
	}
	return err
}

// getGroupMilestone is GET /groups/:id/milestones/:milestone_id.
func (a *API) getGroupMilestone(w http.ResponseWriter, r *request) error {
	id, err := groupMilestoneID(r)
	if err != nil {
		return err
	}
	g, _, err := a.contentGroup(r)
	if err != nil {
		return err
	}
	m, err := a.content.GroupMilestone(r.ctx(), g, id)
	if err != nil {
		return orRecordNotFound(err)
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// createGroupMilestone is POST /groups/:id/milestones: title,
// description, due_date, start_date.
func (a *API) createGroupMilestone(w http.ResponseWriter, r *request) error {
	if err := r.params.require("title"); err != nil {
		return err
	}
	g, level, err := a.contentGroup(r)
	if err != nil {
		return err
	}
	if !canAdminGroupContent(level) {
		return forbidden("")
	}
	projects, err := a.groupProjectIDs(r, g)
	if err != nil {
		return err
	}
	m, err := a.content.CreateGroupMilestone(r.ctx(), g, content.MilestoneInput{Title: optStr(r, "title"),
		Description: optStr(r, "description"), DueDate: optStr(r, "due_date"), StartDate: optStr(r, "start_date"),
		Projects: projects})
	if e, ok := content.AsInvalid(err); ok {
		return apiError(http.StatusBadRequest, "Failed to create milestone "+rubyErrors(e))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

// updateGroupMilestone is PUT /groups/:id/milestones/:milestone_id:
// title, description, due_date, start_date, state_event (close or
// activate).
func (a *API) updateGroupMilestone(w http.ResponseWriter, r *request) error {
	id, err := groupMilestoneID(r)
	if err != nil {
		return err
	}
	event, err := r.params.oneOf("state_event", "", "close", "activate")
	if err != nil {
		return err
	}
	if err := atLeastOne(r, "title", "description", "start_date", "due_date", "state_event"); err != nil {
		return err
	}
	g, level, err := a.contentGroup(r)
	if err != nil {
		return err
	}
	if !canAdminGroupContent(level) {
		return forbidden("")
	}
	projects, err := a.groupProjectIDs(r, g)
	if err != nil {
		return err
	}
	m, err := a.content.UpdateGroupMilestone(r.ctx(), g, id, content.MilestoneInput{Title: optStr(r, "title"),
		Description: optStr(r, "description"), DueDate: optStr(r, "due_date"), StartDate: optStr(r, "start_date"),
		StateEvent: event, Projects: projects})
	if e, ok := content.AsInvalid(err); ok {
		return apiError(http.StatusBadRequest, "Failed to update milestone "+rubyErrors(e))
	}
	if err != nil {
		return orRecordNotFound(err)
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// deleteGroupMilestone is DELETE /groups/:id/milestones/:milestone_id.
func (a *API) deleteGroupMilestone(w http.ResponseWriter, r *request) error {
	id, err := groupMilestoneID(r)
	if err != nil {
		return err
	}
	g, level, err := a.contentGroup(r)
	if err != nil {
		return err
	}
	if !canAdminGroupContent(level) {
		return forbidden("")
	}
	if err := a.content.DeleteGroupMilestone(r.ctx(), g, id); err != nil {
		return orRecordNotFound(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// groupMilestoneIssuables is GET /groups/:id/milestones/:milestone_id/issues
// and .../merge_requests. Ferry indexes issues and merge requests per
// project and keeps none of a group's own, and an imported project's
// issuables name their milestone by title only; the list is empty, with
// GitLab's pagination headers.
func (a *API) groupMilestoneIssuables(w http.ResponseWriter, r *request) error {
	id, err := groupMilestoneID(r)
	if err != nil {
		return err
	}
	g, _, err := a.contentGroup(r)
	if err != nil {
		return err
	}
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	if _, err := a.content.GroupMilestone(r.ctx(), g, id); err != nil {
		return orRecordNotFound(err)
	}
	a.writeList(w, r, pg, 0, []any{})
	return nil
}

// ---- badges (lib/api/badges.rb) ----

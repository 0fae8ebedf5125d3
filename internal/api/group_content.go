package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/store"
)

// A group's labels, milestones, badges and boards (lib/api/group_labels.rb,
// group_milestones.rb, badges.rb, group_boards.rb): read and written
// through the content service, kept as the group's relation records in
// the shape GitLab's group archive writes them (see content's
// group_records.go). Who may do what follows GitLab's GroupPolicy:
// reading the group reads them; labels, milestones and boards are
// changed by a Reporter and above (admin_label, admin_milestone,
// admin_issue_board), badges by an Owner (admin_group).

// canAdminGroupContent is GitLab's admin_label, admin_milestone,
// admin_issue_board and admin_issue_board_list on a group.
func canAdminGroupContent(level ferry.AccessLevel) bool { return level >= ferry.Reporter }

// contentGroup is the group of :id with the caller's level, answering as
// findGroup does.
func (a *API) contentGroup(r *request) (ferry.Namespace, ferry.AccessLevel, error) {
	return a.findGroup(r, r.PathValue("id"))
}

// groupAncestors are g's ancestors (nearest first) the caller may read.
func (a *API) groupAncestors(r *request, g ferry.Namespace) ([]ferry.Namespace, error) {
	chain, err := a.db.Ancestors(r.ctx(), g.ID)
	if err != nil {
		return nil, err
	}
	var out []ferry.Namespace
	for _, n := range chain[1:] {
		if _, err := a.access.ReadableGroup(r.ctx(), r.user, n); err == nil {
			out = append(out, n)
		} else if !errors.Is(err, ferry.ErrNotFound) {
			return nil, err
		}
	}
	return out, nil
}

// withAncestors is g's id and its readable ancestors' (GitLab's
// available labels of a group).
func (a *API) withAncestors(r *request, g ferry.Namespace) ([]int64, error) {
	ancestors, err := a.groupAncestors(r, g)
	if err != nil {
		return nil, err
	}
	ids := []int64{g.ID}
	for _, n := range ancestors {
		ids = append(ids, n.ID)
	}
	return ids, nil
}

// subtree is g's id and its descendants' (the groups whose boards may
// list g's labels).
func (a *API) subtree(ctx context.Context, g ferry.Namespace) ([]int64, error) {
	groups, _, err := a.db.NamespaceTree(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	ids := []int64{g.ID}
	for _, n := range groups {
		if n.ID != g.ID {
			ids = append(ids, n.ID)
		}
	}
	return ids, nil
}

// invalid answers a write content refused: render_validation_error!'s
// 400 {"message":{"<attribute>":["..."]}}, attributes in GitLab's order.
func invalid(e *content.InvalidError) error {
	var order []string
	byField := map[string][]string{}
	for _, f := range e.Fields {
		if _, ok := byField[f.Field]; !ok {
			order = append(order, f.Field)
		}
		byField[f.Field] = append(byField[f.Field], f.Reason)
	}
	var b bytes.Buffer
	b.WriteString(`{`)
	for i, field := range order {
		if i > 0 {
			b.WriteString(",")
		}
		k, _ := json.Marshal(field)
		v, _ := json.Marshal(byField[field])
		b.Write(k)
		b.WriteString(":")
		b.Write(v)
	}
	b.WriteString(`}`)
	return &httpError{Status: http.StatusBadRequest, Body: message{json.RawMessage(b.Bytes())}}
}

// rubyErrors is a model's errors.messages as Ruby inspects them, as
// GitLab's "Failed to create milestone {...}" shows them.
func rubyErrors(e *content.InvalidError) string {
	var order []string
	byField := map[string][]string{}
	for _, f := range e.Fields {
		if _, ok := byField[f.Field]; !ok {
			order = append(order, f.Field)
		}
		byField[f.Field] = append(byField[f.Field], f.Reason)
	}
	parts := make([]string, len(order))
	for i, field := range order {
		quoted := make([]string, len(byField[field]))
		for j, m := range byField[field] {
			quoted[j] = strconv.Quote(m)
		}
		parts[i] = ":" + field + "=>[" + strings.Join(quoted, ", ") + "]"
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// atLeastOne is Grape's at_least_one_of: 400 {"error":"a, b are missing,
// at least one parameter must be provided"}.
func atLeastOne(r *request, keys ...string) error {
	for _, k := range keys {
		if r.params.has(k) {
			return nil
		}
	}
	return &httpError{Status: http.StatusBadRequest,
		Body: errorBody{strings.Join(keys, ", ") + " are missing, at least one parameter must be provided"}}
}

// idParam reads an Integer path or body parameter as Grape does: 400
// "<name> is invalid" for anything else.
func idParam(r *request, name string) (int64, error) {
	s := r.PathValue(name)
	if s == "" {
		s, _ = r.params.str(name)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, &ferry.ParamError{Param: name}
	}
	return n, nil
}

// optStr is a string parameter when given (JSON null as "").
func optStr(r *request, key string) *string {
	if !r.params.has(key) {
		return nil
	}
	s, _ := r.params.str(key)
	return &s
}

// optBool is a Boolean parameter when given.
func optBool(r *request, key string) (*bool, error) {
	if !r.params.has(key) {
		return nil, nil
	}
	b, err := r.params.boolean(key, false)
	return &b, err
}

// ---- labels (lib/api/group_labels.rb, helpers/label_helpers.rb) ----

// labelSources reads include_ancestor_groups, include_descendant_groups
// and only_group_labels: the groups (and projects) whose labels g's list
// shows, those the caller may read.
func (a *API) labelSources(r *request, g ferry.Namespace) (content.LabelSources, []int64, error) {
	var src content.LabelSources
	ancestors, err := r.params.boolean("include_ancestor_groups", true)
	if err != nil {
		return src, nil, err
	}
	descendants, err := r.params.boolean("include_descendant_groups", false)
	if err != nil {
		return src, nil, err
	}
	onlyGroup, err := r.params.boolean("only_group_labels", true)
	if err != nil {
		return src, nil, err
	}
	src.Groups = []int64{g.ID}
	if ancestors {
		if src.Groups, err = a.withAncestors(r, g); err != nil {
			return src, nil, err
		}
	}
	var projectIDs []int64
	if descendants || !onlyGroup {
		groups, projects, err := a.db.NamespaceTree(r.ctx(), g.ID)
		if err != nil {
			return src, nil, err
		}
		inTree := map[int64]bool{g.ID: true}
		for i := len(groups) - 1; i >= 0; i-- { // nearest first
			n := groups[i]
			if n.ID == g.ID || !descendants {
				continue
			}
			if _, err := a.access.ReadableGroup(r.ctx(), r.user, n); err == nil {
				src.Groups, inTree[n.ID] = append(src.Groups, n.ID), true
			}
		}
		for _, p := range projects {
			if !inTree[p.NamespaceID] {
				continue
			}
			if _, err := a.access.ReadableProject(r.ctx(), r.user, p); err == nil {
				projectIDs = append(projectIDs, p.ID)
			}
		}
		if !onlyGroup {
			src.Projects = projectIDs
		}
	}
	return src, projectIDs, nil
}

// listGroupLabels is GET /groups/:id/labels.
func (a *API) listGroupLabels(w http.ResponseWriter, r *request) error {
	g, _, err := a.contentGroup(r)
	if err != nil {
		return err
	}
	withCounts, err := r.params.boolean("with_counts", false)
	if err != nil {
		return err
	}
	src, _, err := a.labelSources(r, g)
	if err != nil {
		return err
	}
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	var count content.LabelCounter
	if withCounts {
		if count, err = a.labelCounter(r, g); err != nil {
			return err
		}
	}
	search, _ := r.params.str("search")
	labels, total, err := a.content.GroupLabels(r.ctx(), src, search, count, pg.store())
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, labels)
	return nil
}

// labelCounter counts, for a label title, the open and closed issues and
// open merge requests of g's own projects that the caller may read
// (GitLab's Label#issues_count: IssuesFinder with the group, without its
// sub-groups).
func (a *API) labelCounter(r *request, g ferry.Namespace) (content.LabelCounter, error) {
	_, projects, err := a.db.NamespaceTree(r.ctx(), g.ID)
	if err != nil {
		return nil, err
	}
	type readable struct {
		id    int64
		level ferry.AccessLevel
	}
	var seen []readable
	for _, p := range projects {
		if p.NamespaceID != g.ID {
			continue
		}
		if level, err := a.access.ReadableProject(r.ctx(), r.user, p); err == nil {
			seen = append(seen, readable{p.ID, level})
		}
	}
	return func(ctx context.Context, title string) (int, int, int, error) {
		var n [3]int
		for _, p := range seen {
			for i, q := range []struct{ kind, state string }{
				{store.IssueKind, "opened"}, {store.IssueKind, "closed"}, {store.MergeRequestKind, "opened"},
			} {
				f := store.IssuableFilter{ProjectID: p.id, State: q.state, Labels: []string{title},
					Page: store.Page{Number: 1, PerPage: 1}}
				v := content.Viewer{User: r.user, Level: p.level}
				var (
					total store.ListTotal
					err   error
				)
				if q.kind == store.IssueKind {
					_, total, err = a.content.Issues(ctx, v, f)
				} else {
					_, total, err = a.content.MergeRequests(ctx, v, f)
				}
				if err != nil {
					return 0, 0, 0, err
				}
				n[i] += total.N
			}
		}
		return n[0], n[1], n[2], nil
	}, nil
}

// getGroupLabel is GET /groups/:id/labels/:name (an id or a title).
func (a *API) getGroupLabel(w http.ResponseWriter, r *request) error {
	g, _, err := a.contentGroup(r)
	if err != nil {
		return err
	}
	src, _, err := a.labelSources(r, g)
	if err != nil {
		return err
	}
	l, _, err := a.content.GroupLabel(r.ctx(), src, r.PathValue("label_id"))
	if errors.Is(err, ferry.ErrNotFound) {
		return notFound("Label")
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// createGroupLabel is POST /groups/:id/labels: name, color, description.
func (a *API) createGroupLabel(w http.ResponseWriter, r *request) error {
	if err := r.params.require("name", "color"); err != nil {
		return err
	}
	g, level, err := a.contentGroup(r)
	if err != nil {
		return err
	}
	if !canAdminGroupContent(level) {
		return forbidden("")
	}
	available, err := a.withAncestors(r, g)
	if err != nil {
		return err
	}
	in := content.LabelInput{Title: optStr(r, "name"), Color: optStr(r, "color"), Description: optStr(r, "description")}
	l, err := a.content.CreateGroupLabel(r.ctx(), g, available, in)
	if err != nil {
		return labelError(err)
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func labelError(err error) error {
	if e, ok := content.AsInvalid(err); ok {
		return invalid(e)
	}
	switch {
	case errors.Is(err, content.ErrLabelExists):
		return apiError(http.StatusConflict, "Label already exists")
	case errors.Is(err, ferry.ErrNotFound):
		return notFound("Label")
	}
	return err
}

// ownLabel is the label of g that ref (an id or a title) names, among g's
// own labels (GitLab's find_label with include_ancestor_groups false).
func (a *API) ownLabel(r *request, g ferry.Namespace, ref string) (content.GroupLabel, error) {
	l, _, err := a.content.GroupLabel(r.ctx(), content.LabelSources{Groups: []int64{g.ID}}, ref)
	if errors.Is(err, ferry.ErrNotFound) {
		return l, notFound("Label")
	}
	return l, err
}

// labelRef is the label an update or delete names: :name in the path, or
// (the deprecated forms) label_id or name among the parameters.
func labelRef(r *request, oldForm bool) (string, error) {
	if !oldForm {
		return r.PathValue("label_id"), nil
	}
	_, byID := r.params.str("label_id")
	name, byName := r.params.str("name")
	switch {
	case byID && byName:
		return "", &httpError{Status: http.StatusBadRequest, Body: errorBody{"label_id, name are mutually exclusive"}}
	case byID:
		id, err := idParam(r, "label_id")
		return strconv.FormatInt(id, 10), err
	case byName:
		return name, nil
	}
	return "", &httpError{Status: http.StatusBadRequest,
		Body: errorBody{"label_id, name are missing, exactly one parameter must be provided"}}
}

// updateGroupLabel is PUT /groups/:id/labels/:name and, with oldForm, the
// deprecated PUT /groups/:id/labels (label_id or name): new_name, color,
// description.
func (a *API) updateGroupLabel(oldForm bool) handler {
	return func(w http.ResponseWriter, r *request) error {
		if err := atLeastOne(r, "new_name", "color", "description"); err != nil {
			return err
		}
		ref, err := labelRef(r, oldForm)
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
		l, err := a.ownLabel(r, g, ref)
		if err != nil {
			return err
		}
		boards, err := a.subtree(r.ctx(), g)
		if err != nil {
			return err
		}
		in := content.LabelInput{Title: optStr(r, "new_name"), Color: optStr(r, "color"), Description: optStr(r, "description")}
		out, err := a.content.UpdateGroupLabel(r.ctx(), g, l.ID, in, boards)
		if err != nil {
			return labelError(err)
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

// deleteGroupLabel is DELETE /groups/:id/labels/:name and, with oldForm,
// the deprecated DELETE /groups/:id/labels (name).
func (a *API) deleteGroupLabel(oldForm bool) handler {
	return func(w http.ResponseWriter, r *request) error {
		ref := r.PathValue("label_id")
		if oldForm {
			if err := r.params.require("name"); err != nil {
				return err
			}
			ref, _ = r.params.str("name")
		}
		g, level, err := a.contentGroup(r)
		if err != nil {
			return err
		}
		l, err := a.ownLabel(r, g, ref)
		if err != nil {
			return err
		}
		if !canAdminGroupContent(level) {
			return forbidden("")
		}
		boards, err := a.subtree(r.ctx(), g)
		if err != nil {
			return err
		}
		if err := a.content.DeleteGroupLabel(r.ctx(), g, l.ID, boards); err != nil {
			return labelError(err)
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// ---- milestones (lib/api/group_milestones.rb, milestone_responses.rb) ----

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

// badgeProject is the project a group's badges render with: the first
// GroupProjectsFinder gives the caller (its newest readable project), nil
// for none.
func (a *API) badgeProject(r *request, g ferry.Namespace) (*ferry.Project, error) {
	f := store.ProjectFilter{NamespaceID: g.ID, OrderBy: "id", Sort: "desc", Page: store.Page{Number: 1, PerPage: 1}}
	if r.user != nil {
		f.Viewer, f.Admin = r.user.ID, r.user.IsAdmin
	}
	projects, _, err := a.db.ListProjects(r.ctx(), f)
	if err != nil || len(projects) == 0 {
		return nil, err
	}
	return &projects[0], nil
}

// badgeGroup is the group of a badge write: signed in (GitLab's
// authenticate_non_get!) and an Owner (admin_group).
func (a *API) badgeGroup(r *request) (ferry.Namespace, error) {
	if r.user == nil {
		return ferry.Namespace{}, ferry.ErrUnauthorized
	}
	g, level, err := a.contentGroup(r)
	if err != nil {
		return g, err
	}
	if !auth.CanAdminGroup(level) {
		return g, forbidden("")
	}
	return g, nil
}

func badgeError(err error) error {
	if e, ok := content.AsInvalid(err); ok {
		return invalid(e)
	}
	return orRecordNotFound(err)
}

// listGroupBadges is GET /groups/:id/badges: name.
func (a *API) listGroupBadges(w http.ResponseWriter, r *request) error {
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	g, _, err := a.contentGroup(r)
	if err != nil {
		return err
	}
	p, err := a.badgeProject(r, g)
	if err != nil {
		return err
	}
	name, _ := r.params.str("name")
	badges, total, err := a.content.GroupBadges(r.ctx(), g, p, name, pg.store())
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, badges)
	return nil
}

// getGroupBadge is GET /groups/:id/badges/:badge_id.
func (a *API) getGroupBadge(w http.ResponseWriter, r *request) error {
	id, err := idParam(r, "badge_id")
	if err != nil {
		return err
	}
	g, _, err := a.contentGroup(r)
	if err != nil {
		return err
	}
	p, err := a.badgeProject(r, g)
	if err != nil {
		return err
	}
	b, err := a.content.GroupBadge(r.ctx(), g, p, id)
	if err != nil {
		return orRecordNotFound(err)
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// renderGroupBadge is GET /groups/:id/badges/render: link_url, image_url.
func (a *API) renderGroupBadge(w http.ResponseWriter, r *request) error {
	if err := r.params.require("link_url", "image_url"); err != nil {
		return err
	}
	g, err := a.badgeGroup(r)
	if err != nil {
		return err
	}
	p, err := a.badgeProject(r, g)
	if err != nil {
		return err
	}
	b, err := a.content.RenderGroupBadge(p, content.BadgeInput{LinkURL: optStr(r, "link_url"), ImageURL: optStr(r, "image_url")})
	if err != nil {
		return badgeError(err)
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// createGroupBadge is POST /groups/:id/badges: link_url, image_url, name.
func (a *API) createGroupBadge(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return ferry.ErrUnauthorized
	}
	if err := r.params.require("link_url", "image_url"); err != nil {
		return err
	}
	g, err := a.badgeGroup(r)
	if err != nil {
		return err
	}
	p, err := a.badgeProject(r, g)
	if err != nil {
		return err
	}
	b, err := a.content.CreateGroupBadge(r.ctx(), g, p, content.BadgeInput{LinkURL: optStr(r, "link_url"),
		ImageURL: optStr(r, "image_url"), Name: optStr(r, "name")})
	if err != nil {
		return badgeError(err)
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

// updateGroupBadge is PUT /groups/:id/badges/:badge_id.
func (a *API) updateGroupBadge(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return ferry.ErrUnauthorized
	}
	id, err := idParam(r, "badge_id")
	if err != nil {
		return err
	}
	g, err := a.badgeGroup(r)
	if err != nil {
		return err
	}
	p, err := a.badgeProject(r, g)
	if err != nil {
		return err
	}
	b, err := a.content.UpdateGroupBadge(r.ctx(), g, p, id, content.BadgeInput{LinkURL: optStr(r, "link_url"),
		ImageURL: optStr(r, "image_url"), Name: optStr(r, "name")})
	if err != nil {
		return badgeError(err)
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// deleteGroupBadge is DELETE /groups/:id/badges/:badge_id.
func (a *API) deleteGroupBadge(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return ferry.ErrUnauthorized
	}
	id, err := idParam(r, "badge_id")
	if err != nil {
		return err
	}
	g, err := a.badgeGroup(r)
	if err != nil {
		return err
	}
	if err := a.content.DeleteGroupBadge(r.ctx(), g, id); err != nil {
		return orRecordNotFound(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- boards (lib/api/group_boards.rb, boards_responses.rb) ----

// boardGroup is the group of a board request with the groups whose labels
// its lists show (it and its readable ancestors); admin asks for
// admin_issue_board.
func (a *API) boardGroup(r *request, admin bool) (ferry.Namespace, []int64, error) {
	g, labels, level, err := a.boardGroupLevel(r)
	if err == nil && admin && !canAdminGroupContent(level) {
		err = forbidden("")
	}
	return g, labels, err
}

func (a *API) boardGroupLevel(r *request) (ferry.Namespace, []int64, ferry.AccessLevel, error) {
	g, level, err := a.contentGroup(r)
	if err != nil {
		return g, nil, level, err
	}
	labels, err := a.withAncestors(r, g)
	return g, labels, level, err
}

func boardError(err error) error {
	if e, ok := content.AsInvalid(err); ok {
		return invalid(e)
	}
	switch {
	case errors.Is(err, content.ErrBoardLimit):
		return forbidden("")
	case errors.Is(err, content.ErrNoLabel):
		return &httpError{Status: http.StatusBadRequest, Body: message{errorBody{"Label not found!"}}}
	case errors.Is(err, content.ErrNoMove):
		return &httpError{Status: http.StatusBadRequest, Body: message{errorBody{"List could not be moved!"}}}
	case errors.Is(err, content.ErrNoList):
		return recordNotFound
	}
	return orRecordNotFound(err)
}

// listGroupBoards is GET /groups/:id/boards.
func (a *API) listGroupBoards(w http.ResponseWriter, r *request) error {
	g, labels, err := a.boardGroup(r, false)
	if err != nil {
		return err
	}
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	boards, total, err := a.content.GroupBoards(r.ctx(), g, labels, pg.store())
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, boards)
	return nil
}

// getGroupBoard is GET /groups/:id/boards/:board_id.
func (a *API) getGroupBoard(w http.ResponseWriter, r *request) error {
	g, labels, err := a.boardGroup(r, false)
	if err != nil {
		return err
	}
	id, err := idParam(r, "board_id")
	if err != nil {
		return err
	}
	b, err := a.content.GroupBoard(r.ctx(), g, labels, id)
	if err != nil {
		return boardError(err)
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// createGroupBoard is POST /groups/:id/boards: name. GitLab's free tier
// makes a group's first board only (Boards::CreateService); a second is
// 403 Forbidden, as create_board answers without multiple boards.
func (a *API) createGroupBoard(w http.ResponseWriter, r *request) error {
	if err := r.params.require("name"); err != nil {
		return err
	}
	g, _, err := a.boardGroup(r, true)
	if err != nil {
		return err
	}
	b, err := a.content.CreateGroupBoard(r.ctx(), g, content.BoardInput{Name: optStr(r, "name")})
	if err != nil {
		return boardError(err)
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

// updateGroupBoard is PUT /groups/:id/boards/:board_id: name,
// hide_backlog_list, hide_closed_list.
func (a *API) updateGroupBoard(w http.ResponseWriter, r *request) error {
	id, err := idParam(r, "board_id")
	if err != nil {
		return err
	}
	in := content.BoardInput{Name: optStr(r, "name")}
	if in.HideBacklogList, err = optBool(r, "hide_backlog_list"); err != nil {
		return err
	}
	if in.HideClosedList, err = optBool(r, "hide_closed_list"); err != nil {
		return err
	}
	g, labels, err := a.boardGroup(r, true)
	if err != nil {
		return err
	}
	b, err := a.content.UpdateGroupBoard(r.ctx(), g, labels, id, in)
	if err != nil {
		return boardError(err)
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// deleteGroupBoard is DELETE /groups/:id/boards/:board_id.
func (a *API) deleteGroupBoard(w http.ResponseWriter, r *request) error {
	id, err := idParam(r, "board_id")
	if err != nil {
		return err
	}
	g, _, err := a.boardGroup(r, true)
	if err != nil {
		return err
	}
	if err := a.content.DeleteGroupBoard(r.ctx(), g, id); err != nil {
		return boardError(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listBoardLists is GET /groups/:id/boards/:board_id/lists.
func (a *API) listBoardLists(w http.ResponseWriter, r *request) error {
	id, err := idParam(r, "board_id")
	if err != nil {
		return err
	}
	g, labels, err := a.boardGroup(r, false)
	if err != nil {
		return err
	}
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	lists, total, err := a.content.BoardLists(r.ctx(), g, labels, id, pg.store())
	if err != nil {
		return boardError(err)
	}
	a.writeList(w, r, pg, total, lists)
	return nil
}

// boardListIDs reads :board_id and :list_id.
func boardListIDs(r *request) (int64, int64, error) {
	id, err := idParam(r, "board_id")
	if err != nil {
		return 0, 0, err
	}
	listID, err := idParam(r, "list_id")
	return id, listID, err
}

// getBoardList is GET /groups/:id/boards/:board_id/lists/:list_id.
func (a *API) getBoardList(w http.ResponseWriter, r *request) error {
	id, listID, err := boardListIDs(r)
	if err != nil {
		return err
	}
	g, labels, err := a.boardGroup(r, false)
	if err != nil {
		return err
	}
	l, err := a.content.BoardList(r.ctx(), g, labels, id, listID)
	if err != nil {
		return boardError(err)
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// createBoardList is POST /groups/:id/boards/:board_id/lists: label_id.
func (a *API) createBoardList(w http.ResponseWriter, r *request) error {
	id, err := idParam(r, "board_id")
	if err != nil {
		return err
	}
	if err := r.params.require("label_id"); err != nil {
		return err
	}
	labelID, err := idParam(r, "label_id")
	if err != nil {
		return err
	}
	g, labels, err := a.boardGroup(r, true)
	if err != nil {
		return err
	}
	l, err := a.content.CreateBoardList(r.ctx(), g, labels, id, labelID)
	if err != nil {
		return boardError(err)
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

// moveBoardList is PUT /groups/:id/boards/:board_id/lists/:list_id:
// position. The list is found before the caller's right is checked, as
// GitLab does.
func (a *API) moveBoardList(w http.ResponseWriter, r *request) error {
	id, listID, err := boardListIDs(r)
	if err != nil {
		return err
	}
	if err := r.params.require("position"); err != nil {
		return err
	}
	position, err := idParam(r, "position")
	if err != nil {
		return err
	}
	g, labels, level, err := a.boardGroupLevel(r)
	if err != nil {
		return err
	}
	if _, err := a.content.BoardList(r.ctx(), g, labels, id, listID); err != nil {
		return boardError(err)
	}
	if !canAdminGroupContent(level) {
		return forbidden("")
	}
	l, err := a.content.MoveBoardList(r.ctx(), g, labels, id, listID, position)
	if err != nil {
		return boardError(err)
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// deleteBoardList is DELETE /groups/:id/boards/:board_id/lists/:list_id.
func (a *API) deleteBoardList(w http.ResponseWriter, r *request) error {
	id, listID, err := boardListIDs(r)
	if err != nil {
		return err
	}
	g, labels, err := a.boardGroup(r, true)
	if err != nil {
		return err
	}
	if err := a.content.DeleteBoardList(r.ctx(), g, labels, id, listID); err != nil {
		return boardError(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// groupContentRoutes are the group content endpoints, under v4.
func (a *API) groupContentRoutes(mux *http.ServeMux, v4 string) {
	grp := v4 + "/groups/{id}"
	mux.Handle("GET "+grp+"/labels", a.authed(a.listGroupLabels))
	mux.Handle("POST "+grp+"/labels", a.authed(a.createGroupLabel))
	mux.Handle("PUT "+grp+"/labels", a.authed(a.updateGroupLabel(true)))
	mux.Handle("DELETE "+grp+"/labels", a.authed(a.deleteGroupLabel(true)))
	mux.Handle("GET "+grp+"/labels/{label_id}", a.authed(a.getGroupLabel))
	mux.Handle("PUT "+grp+"/labels/{label_id}", a.authed(a.updateGroupLabel(false)))
	mux.Handle("DELETE "+grp+"/labels/{label_id}", a.authed(a.deleteGroupLabel(false)))

	mux.Handle("GET "+grp+"/milestones", a.authed(a.listGroupMilestones))
	mux.Handle("POST "+grp+"/milestones", a.authed(a.createGroupMilestone))
	mux.Handle("GET "+grp+"/milestones/{milestone_id}", a.authed(a.getGroupMilestone))
	mux.Handle("PUT "+grp+"/milestones/{milestone_id}", a.authed(a.updateGroupMilestone))
	mux.Handle("DELETE "+grp+"/milestones/{milestone_id}", a.authed(a.deleteGroupMilestone))
	mux.Handle("GET "+grp+"/milestones/{milestone_id}/issues", a.authed(a.groupMilestoneIssuables))
	mux.Handle("GET "+grp+"/milestones/{milestone_id}/merge_requests", a.authed(a.groupMilestoneIssuables))

	mux.Handle("GET "+grp+"/badges", a.open(a.listGroupBadges))
	mux.Handle("GET "+grp+"/badges/render", a.open(a.renderGroupBadge))
	mux.Handle("GET "+grp+"/badges/{badge_id}", a.open(a.getGroupBadge))
	mux.Handle("POST "+grp+"/badges", a.open(a.createGroupBadge))
	mux.Handle("PUT "+grp+"/badges/{badge_id}", a.open(a.updateGroupBadge))
	mux.Handle("DELETE "+grp+"/badges/{badge_id}", a.open(a.deleteGroupBadge))

	mux.Handle("GET "+grp+"/boards", a.authed(a.listGroupBoards))
	mux.Handle("POST "+grp+"/boards", a.authed(a.createGroupBoard))
	mux.Handle("GET "+grp+"/boards/{board_id}", a.authed(a.getGroupBoard))
	mux.Handle("PUT "+grp+"/boards/{board_id}", a.authed(a.updateGroupBoard))
	mux.Handle("DELETE "+grp+"/boards/{board_id}", a.authed(a.deleteGroupBoard))
	mux.Handle("GET "+grp+"/boards/{board_id}/lists", a.authed(a.listBoardLists))
	mux.Handle("POST "+grp+"/boards/{board_id}/lists", a.authed(a.createBoardList))
	mux.Handle("GET "+grp+"/boards/{board_id}/lists/{list_id}", a.authed(a.getBoardList))
	mux.Handle("PUT "+grp+"/boards/{board_id}/lists/{list_id}", a.authed(a.moveBoardList))
	mux.Handle("DELETE "+grp+"/boards/{board_id}/lists/{list_id}", a.authed(a.deleteBoardList))
}

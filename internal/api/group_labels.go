package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/store"
)

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

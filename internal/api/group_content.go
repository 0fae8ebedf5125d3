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
	"github.com/ferryhq/ferry/internal/content"
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

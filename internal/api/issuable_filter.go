package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/store"
)

// issuableParams are the values lists of issues (lib/api/issues.rb
// issues_params) and merge requests (merge_requests.rb
// merge_requests_params) accept, with their defaults.
type issuableParams struct {
	kind   string
	states []string
	orders []string
	// scope is the default scope: all for a project's list, created_by_me
	// across projects.
	scope string
}

var (
	issueParams = issuableParams{kind: store.IssueKind, states: []string{"opened", "closed", "all"},
		orders: []string{"created_at", "updated_at", "priority", "due_date", "relative_position", "label_priority",
			"milestone_due", "popularity", "weight", "title"}}
	mergeRequestParams = issuableParams{kind: store.MergeRequestKind,
		states: []string{"opened", "closed", "locked", "merged", "all"},
		orders: []string{"created_at", "label_priority", "milestone_due", "popularity", "priority", "title",
			"updated_at", "merged_at"}}
)

// readIssuableFilter reads a list's filters, sort and page. Returns a
// *ferry.ParamError (400) for a value Grape refuses.
func (a *API) readIssuableFilter(r *request, ip issuableParams) (content.Filter, pager, error) {
	var f content.Filter
	pg, err := readPager(r.params)
	if err != nil {
		return f, pg, err
	}
	f.Page = pg.store()
	if f.State, err = r.params.oneOf("state", "all", ip.states...); err != nil {
		return f, pg, err
	}
	if f.State == "all" {
		f.State = ""
	}
	if f.OrderBy, err = r.params.oneOf("order_by", "created_at", ip.orders...); err != nil {
		return f, pg, err
	}
	if f.Sort, err = r.params.oneOf("sort", "desc", "asc", "desc"); err != nil {
		return f, pg, err
	}
	readLabels(r.params, &f)
	f.Milestone, _ = r.params.str("milestone")
	f.Search, _ = r.params.str("search")
	f.SearchIn = searchIn(r.params)
	f.SourceBranch, _ = r.params.str("source_branch")
	f.TargetBranch, _ = r.params.str("target_branch")
	steps := []func(*request, *content.Filter) error{readTimes, readIIDs, a.readPeople, a.readNot}
	if ip.kind == store.IssueKind {
		steps = append(steps, readConfidential)
	}
	for _, step := range steps {
		if err := step(r, &f); err != nil {
			return f, pg, err
		}
	}
	return f, pg, a.readScope(r, ip, &f)
}

// readNot reads not[labels], not[milestone], not[author_id],
// not[author_username], not[assignee_id], not[assignee_username] and
// not[iids] into f.Not, as the same parameters without not[] are read.
func (a *API) readNot(r *request, f *content.Filter) error {
	sub := params{values: map[string][]string{}, null: map[string]bool{}}
	for k, vs := range r.params.values {
		if inner, ok := strings.CutPrefix(k, "not["); ok && strings.HasSuffix(inner, "]") {
			sub.values[strings.TrimSuffix(inner, "]")] = vs
		}
	}
	if len(sub.values) == 0 {
		return nil
	}
	nr := *r
	nr.params = sub
	f.Not = &content.Filter{}
	readLabels(sub, f.Not)
	f.Not.Milestone, _ = sub.str("milestone")
	if err := readIIDs(&nr, f.Not); err != nil {
		return err
	}
	return a.readPeople(&nr, f.Not)
}

// readLabels reads labels (a comma-separated list, or None / Any).
func readLabels(p params, f *content.Filter) {
	for _, v := range p.list("labels") {
		for _, l := range strings.Split(v, ",") {
			switch l = strings.TrimSpace(l); l {
			case "":
			case "None":
				f.LabelsNone = true
			case "Any":
				f.LabelsAny = true
			default:
				f.Labels = append(f.Labels, l)
			}
		}
	}
}

// searchIn reads in ("title", "description" or both, comma-separated):
// where search looks; "" for both.
func searchIn(p params) string {
	v, _ := p.str("in")
	title, description := false, false
	for _, part := range strings.Split(v, ",") {
		switch strings.TrimSpace(part) {
		case "title":
			title = true
		case "description":
			description = true
		}
	}
	switch {
	case title && !description:
		return "title"
	case description && !title:
		return "description"
	}
	return ""
}

func readTimes(r *request, f *content.Filter) error {
	for _, t := range []struct {
		key string
		to  *string
	}{{"created_after", &f.CreatedAfter}, {"created_before", &f.CreatedBefore},
		{"updated_after", &f.UpdatedAfter}, {"updated_before", &f.UpdatedBefore}} {
		v, err := r.params.dateTime(t.key)
		if err != nil {
			return err
		}
		if v != nil {
			*t.to = v.UTC().Format(store.TimeText)
		}
	}
	return nil
}

// readConfidential reads confidential (issues only), a boolean.
func readConfidential(r *request, f *content.Filter) error {
	if !r.params.has("confidential") {
		return nil
	}
	c, err := r.params.boolean("confidential", false)
	f.Confidential = &c
	return err
}

func readIIDs(r *request, f *content.Filter) error {
	for _, s := range r.params.list("iids") {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return &ferry.ParamError{Param: "iids"}
		}
		f.IIDs = append(f.IIDs, n)
	}
	return nil
}

// readPeople reads author_id or author_username (mutually exclusive),
// and assignee_id (a user id, None or Any) or assignee_username. A user
// name nobody has selects nothing.
func (a *API) readPeople(r *request, f *content.Filter) error {
	_, hasID := r.params.str("author_id")
	name, hasName := r.params.str("author_username")
	if hasID && hasName {
		return &httpError{Status: http.StatusBadRequest, Body: errorBody{"author_id, author_username are mutually exclusive"}}
	}
	var err error
	if hasID {
		if f.AuthorID, err = r.params.integer("author_id", 0); err != nil {
			return err
		}
	} else if hasName {
		if f.AuthorID, err = a.userIDByName(r, name); err != nil {
			return err
		}
	}
	if v, ok := r.params.str("assignee_id"); ok {
		if _, err := strconv.ParseInt(v, 10, 64); err != nil && !strings.EqualFold(v, "none") && !strings.EqualFold(v, "any") {
			return &ferry.ParamError{Param: "assignee_id", Reason: "should be an integer, none or any"}
		}
		f.Assignee = strings.ToUpper(v[:min(1, len(v))]) + strings.ToLower(v[min(1, len(v)):])
	} else if names := r.params.list("assignee_username"); len(names) > 0 {
		uid, err := a.userIDByName(r, names[0])
		if err != nil {
			return err
		}
		f.Assignee = strconv.FormatInt(uid, 10)
	}
	return nil
}

// userIDByName is the id of the user called name; -1 (nobody) when there
// is none.
func (a *API) userIDByName(r *request, name string) (int64, error) {
	u, err := a.db.UserByUsername(r.ctx(), name)
	if errors.Is(err, ferry.ErrNotFound) {
		return -1, nil
	}
	return u.ID, err
}

// readScope applies scope: created_by_me / assigned_to_me (also with
// dashes) keep the caller's; all keeps everything. An anonymous caller
// has only all.
func (a *API) readScope(r *request, ip issuableParams, f *content.Filter) error {
	scope, err := r.params.oneOf("scope", ip.scope, "created-by-me", "assigned-to-me", "created_by_me", "assigned_to_me", "all")
	if err != nil {
		return err
	}
	scope = strings.ReplaceAll(scope, "-", "_")
	if scope == "all" || scope == "" {
		return nil
	}
	if r.user == nil {
		return &httpError{Status: http.StatusUnauthorized, Body: message{"401 Unauthorized"}}
	}
	if scope == "created_by_me" {
		f.AuthorID = r.user.ID
	} else {
		f.Assignee = strconv.FormatInt(r.user.ID, 10)
	}
	return nil
}

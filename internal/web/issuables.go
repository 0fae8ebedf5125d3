package web

import (
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/markdown"
	"github.com/ferryhq/ferry/internal/store"
)

// What the issue and merge request pages share: the list's filters, its
// state tabs and pages, and the threads of notes under an item.

// listCountLimit is how far a list of issues or merge requests counts
// (the store stops there, as GitLab's pages do).
const listCountLimit = 1000

// stateTab is one state filter of a list (opened, closed, ...).
type stateTab struct {
	Label, Href string
	Current     bool
}

// issuableQuery is what a list's form asks for.
type issuableQuery struct {
	State, Search, Label, Milestone string
}

// issuableList is a list's filters, state tabs and pages.
type issuableList struct {
	issuableQuery
	States []stateTab
	Pages  pager
	// Count is how many the filters select ("1000+" past what the store
	// counts).
	Count string
}

// viewer is the visitor as the content service sees them on r's project.
func viewer(r *request) content.Viewer { return content.Viewer{User: r.user, Level: r.level} }

// issuableFilter reads a list's query: ?state= (one of states, the first
// by default; "all" for every state), ?search=, ?label_name=,
// ?milestone_title= and ?page=.
func (s *Web) issuableFilter(r *request, states []string) (content.Filter, issuableList) {
	q := r.URL.Query()
	in := issuableQuery{State: q.Get("state"), Search: strings.TrimSpace(q.Get("search")),
		Label: q.Get("label_name"), Milestone: q.Get("milestone_title")}
	in.State, _ = stateTabs(r, states, in.State)
	f := content.Filter{ProjectID: r.project.ID, Search: in.Search, Milestone: in.Milestone,
		CountLimit: listCountLimit, OrderBy: "created_at", Sort: "desc", Page: s.pageOf(r)}
	if in.State != "all" {
		f.State = in.State
	}
	if in.Label != "" {
		f.Labels = []string{in.Label}
	}
	list := issuableList{issuableQuery: in}
	keep := url.Values{}
	for k, val := range map[string]string{"search": in.Search, "label_name": in.Label, "milestone_title": in.Milestone} {
		if val != "" {
			keep.Set(k, val)
		}
	}
	_, list.States = stateTabs(r, states, in.State, keep)
	return f, list
}

// stateTabs checks state against states (the first by default) and
// links r's page filtered by each state, with the query keep (if any).
func stateTabs(r *request, states []string, state string, keep ...url.Values) (string, []stateTab) {
	if !slices.Contains(states, state) {
		state = states[0]
	}
	tabs := make([]stateTab, 0, len(states))
	for _, st := range states {
		q := url.Values{}
		for _, k := range keep {
			for name, vals := range k {
				q[name] = vals
			}
		}
		q.Set("state", st)
		tabs = append(tabs, stateTab{Label: capitalize(st), Href: r.URL.Path + "?" + q.Encode(),
			Current: st == state})
	}
	return state, tabs
}

// countText is total as a list shows it.
func countText(total store.ListTotal) string {
	if total.Over {
		return strconv.Itoa(listCountLimit) + "+"
	}
	return strconv.Itoa(total.N)
}

// totalPager links the pages around pg of a list whose total the store
// counted up to listCountLimit.
func totalPager(r *request, pg store.Page, total store.ListTotal) pager {
	n := total.N
	if total.Over {
		n = pg.Offset() + pg.PerPage
		if total.Next {
			n++
		}
	}
	return newPager(r, pg, n)
}

// iidOf is r.rest as an issue's or merge request's iid, with what follows
// it ("diffs" in /-/merge_requests/<iid>/diffs).
func iidOf(r *request) (int64, string, error) {
	head, tail, _ := strings.Cut(r.rest, "/")
	iid, err := strconv.ParseInt(head, 10, 64)
	if err != nil || iid < 1 {
		return 0, "", ferry.ErrNotFound
	}
	return iid, tail, nil
}

// threadView is a discussion as the page shows it.
type threadView struct {
	ID         string
	Individual bool
	Notes      []noteView
}

// noteView is one note, its body rendered.
type noteView struct {
	ID       int64
	Author   *content.UserBasic
	Created  string
	System   bool
	Internal bool
	Body     template.HTML
}

// maxDiscussions is how many discussions an issue's or merge request's
// page shows.
const maxDiscussions = 500

// activity is the discussions of an issue or merge request a page shows,
// and how many more it leaves out (past maxDiscussions).
type activity struct {
	Threads []threadView
	More    int
}

// threads are the discussions of the project's issuable iid the visitor
// may see, their notes rendered: the first maxDiscussions of them.
func (s *Web) threads(r *request, kind string, iid int64) (activity, error) {
	list, total, err := s.content.Discussions(r.ctx(), viewer(r), *r.project, kind, iid,
		store.Page{Number: 1, PerPage: maxDiscussions})
	if err != nil {
		return activity{}, err
	}
	a := activity{Threads: make([]threadView, 0, len(list)), More: total - len(list)}
	for _, d := range list {
		t := threadView{ID: d.ID, Individual: d.IndividualNote}
		for _, n := range d.Notes {
			body, err := s.markdown(r, n.Body)
			if err != nil {
				return activity{}, err
			}
			t.Notes = append(t.Notes, noteView{ID: n.ID, Author: n.Author, Created: n.CreatedAt, System: n.System,
				Internal: n.Internal, Body: body})
		}
		a.Threads = append(a.Threads, t)
	}
	return a, nil
}

// markdown renders imported text of r's project, sanitised.
func (s *Web) markdown(r *request, text string) (template.HTML, error) {
	return markdown.Render(text, markdown.Options{ProjectPath: r.project.FullPath()})
}

// markdownOf renders *text ("" for nil).
func (s *Web) markdownOf(r *request, text *string) (template.HTML, error) {
	if text == nil {
		return "", nil
	}
	return s.markdown(r, *text)
}

// capitalize is s with its first letter upper case ("opened": "Opened").
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// labelsOf is what the "labels" template shows: an issuable's label
// titles, each linking to list (an issue or merge request list) filtered
// by it.
type labelsOf struct {
	List   string
	Titles []string
}

// labelLinks is the template function "labels": list and labels (the
// titles the content service gives).
func labelLinks(list string, labels any) labelsOf {
	return labelsOf{List: list, Titles: labelTitles(labels)}
}

// labelTitles are the titles of an issuable's labels (the content
// service gives titles unless asked for details).
func labelTitles(labels any) []string {
	titles, _ := labels.([]string)
	return titles
}

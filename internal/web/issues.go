package web

import (
	"html/template"
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/store"
)

// issueStates are the issue list's state filters, the default first.
var issueStates = []string{"opened", "closed", "all"}

// issuesView is the list of a project's issues.
type issuesView struct {
	List   issuableList
	Issues []content.Issue
	Total  store.ListTotal
}

// issues is /<project>/-/issues (the list) and /<project>/-/issues/<iid>.
func (s *Web) issues(w http.ResponseWriter, r *request) error {
	if r.rest != "" {
		return s.issue(w, r)
	}
	f, list := s.issuableFilter(r, issueStates)
	items, total, err := s.content.Issues(r.ctx(), viewer(r), f)
	if err != nil {
		return err
	}
	list.Pages, list.Count = totalPager(r, f.Page, total), countText(total)
	return s.render(w, r, "issues", issuesView{List: list, Issues: items, Total: total})
}

// issueView is one issue with its discussions.
type issueView struct {
	Issue       content.Issue
	Description template.HTML
	Threads     activity
}

// issue is /<project>/-/issues/<iid>: GitLab hides a confidential issue
// from who may not see it (404), as the API does.
func (s *Web) issue(w http.ResponseWriter, r *request) error {
	iid, tail, err := iidOf(r)
	if err != nil || tail != "" {
		return ferry.ErrNotFound
	}
	is, err := s.content.Issue(r.ctx(), viewer(r), *r.project, iid)
	if err != nil {
		return err
	}
	v := issueView{Issue: is}
	if v.Description, err = s.markdownOf(r, is.Description); err != nil {
		return err
	}
	if v.Threads, err = s.threads(r, store.IssueKind, iid); err != nil {
		return err
	}
	return s.render(w, r, "issue", v)
}

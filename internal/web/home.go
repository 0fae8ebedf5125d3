package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// perPage is the length of a page of any list.
const perPage = 20

// projectItem is a project in a list, with the state of its last import
// and of the visitor's last export ("" for none).
type projectItem struct {
	Path, FullName, Description, Visibility string
	Import, Export                          string
	UpdatedAt                               time.Time
}

// projectList is a page of projects.
type projectList struct {
	Items  []projectItem
	Total  int
	Search string
	Pages  pager
}

// listView is an explore or dashboard page.
type listView struct {
	Heading  string
	Tab      string // "projects", "groups" or "dashboard"
	Action   string // the search form's path
	Projects projectList
	Groups   []ferry.Namespace
	Search   string
	Pages    pager
}

// home is /: the visitor's projects when signed in, else explore.
func (s *Web) home(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return s.exploreProjects(w, r)
	}
	return s.dashboardProjects(w, r)
}

// dashboardProjects is /dashboard/projects: projects the visitor is a
// member of (sign-in needed).
func (s *Web) dashboardProjects(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	list, err := s.listProjects(r, store.ProjectFilter{Membership: true})
	if err != nil {
		return err
	}
	return s.render(w, r, "projects", listView{Heading: "Your projects", Tab: "dashboard", Action: "/dashboard/projects",
		Projects: list, Search: list.Search, Pages: list.Pages})
}

// exploreProjects is /explore and /explore/projects: every project the
// visitor may see (public ones for anonymous visitors).
func (s *Web) exploreProjects(w http.ResponseWriter, r *request) error {
	list, err := s.listProjects(r, store.ProjectFilter{})
	if err != nil {
		return err
	}
	return s.render(w, r, "projects", listView{Heading: "Explore projects", Tab: "projects", Action: "/explore/projects",
		Projects: list, Search: list.Search, Pages: list.Pages})
}

// exploreGroups is /explore/groups: every group the visitor may see.
func (s *Web) exploreGroups(w http.ResponseWriter, r *request) error {
	f := s.groupFilter(r)
	f.AllAvailable, f.Search, f.Page = true, r.URL.Query().Get("search"), s.pageOf(r)
	groups, total, err := s.db.ListGroups(r.ctx(), f)
	if err != nil {
		return err
	}
	return s.render(w, r, "projects", listView{Heading: "Explore groups", Tab: "groups", Action: "/explore/groups",
		Groups: groups, Search: f.Search, Pages: newPager(r, f.Page, total)})
}

// groupFilter is a group filter for the visitor.
func (s *Web) groupFilter(r *request) store.GroupFilter {
	var f store.GroupFilter
	if r.user != nil {
		f.Viewer, f.Admin = r.user.ID, r.user.IsAdmin
	}
	return f
}

// listProjects returns the page of projects f selects that the visitor
// may see, searched with ?search= and paged with ?page=, newest activity
// first.
func (s *Web) listProjects(r *request, f store.ProjectFilter) (projectList, error) {
	if r.user != nil {
		f.Viewer, f.Admin = r.user.ID, r.user.IsAdmin
	}
	f.Search, f.OrderBy, f.Sort, f.Page = r.URL.Query().Get("search"), "last_activity_at", "desc", s.pageOf(r)
	projects, total, err := s.db.ListProjects(r.ctx(), f)
	if err != nil {
		return projectList{}, err
	}
	list := projectList{Total: total, Search: f.Search, Pages: newPager(r, f.Page, total)}
	for _, p := range projects {
		item, err := s.projectItem(r, p)
		if err != nil {
			return list, err
		}
		list.Items = append(list.Items, item)
	}
	return list, nil
}

// projectItem is p in a list, with its import's and the visitor's last
// export's state.
func (s *Web) projectItem(r *request, p ferry.Project) (projectItem, error) {
	item := projectItem{Path: p.FullPath(), FullName: p.FullName(), Description: p.Description,
		Visibility: p.Visibility, UpdatedAt: p.UpdatedAt}
	im, err := s.db.ImportOf(r.ctx(), p.ID)
	switch {
	case err == nil:
		item.Import = im.Status
	case !errors.Is(err, ferry.ErrNotFound):
		return item, err
	}
	if r.user == nil {
		return item, nil
	}
	exports, err := s.db.Exports(r.ctx(), p.ID, r.user.ID)
	if err != nil {
		return item, err
	}
	if len(exports) > 0 {
		item.Export = exports[0].Status
	}
	return item, nil
}

// pageOf is the page ?page= asks for.
func (s *Web) pageOf(r *request) store.Page {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		n = 1
	}
	return store.Page{Number: n, PerPage: perPage}
}

// pager holds the links to the pages around the current one ("" when
// there is none).
type pager struct {
	Number     int
	Prev, Next string
}

// newPager links the pages around pg of a list of total items.
func newPager(r *request, pg store.Page, total int) pager {
	p := pager{Number: pg.Number}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if pg.Number > 1 {
		p.Prev = link(pg.Number - 1)
	}
	if pg.Number*pg.PerPage < total {
		p.Next = link(pg.Number + 1)
	}
	return p
}

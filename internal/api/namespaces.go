package api

import (
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/store"
)

// listNamespaces is GET /namespaces: the caller's personal namespace and
// the groups they are a direct member of (owned_only: an Owner of), every
// namespace for administrators; search and top_level_only narrow it.
func (a *API) listNamespaces(w http.ResponseWriter, r *request) error {
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	f := store.NamespaceFilter{Viewer: r.user.ID, Admin: r.user.IsAdmin, Page: pg.store()}
	if f.OwnedOnly, err = r.params.boolean("owned_only", false); err != nil {
		return err
	}
	if f.TopLevelOnly, err = r.params.boolean("top_level_only", false); err != nil {
		return err
	}
	f.Search, _ = r.params.str("search")
	list, total, err := a.db.ListNamespaces(r.ctx(), f)
	if err != nil {
		return err
	}
	out := make([]namespaceEntity, len(list))
	for i, n := range list {
		level, err := a.groupLevel(r, n)
		if err != nil {
			return err
		}
		if out[i], err = a.namespaceFor(r, n, level); err != nil {
			return err
		}
	}
	a.writeList(w, r, pg, total, out)
	return nil
}

// getNamespace is GET /namespaces/:id (a number or a full path). Returns
// 404 Namespace Not Found unless the caller may read it: a member of the
// group (directly or through an ancestor), the owner of the personal
// namespace, or an administrator.
func (a *API) getNamespace(w http.ResponseWriter, r *request) error {
	n, err := a.findNamespace(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	level, err := a.groupLevel(r, n)
	if err != nil {
		return err
	}
	if !auth.CanReadNamespace(r.user, n, level) {
		return notFound("Namespace")
	}
	e, err := a.namespaceFor(r, n, level)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// groupLevel is the caller's level on n when it is a group.
func (a *API) groupLevel(r *request, n ferry.Namespace) (ferry.AccessLevel, error) {
	if !n.IsGroup() {
		return ferry.NoAccess, nil
	}
	return a.access.GroupLevel(r.ctx(), r.user, n)
}

// namespaceFor shows n to the caller, whose level on it is level, with
// the counts GitLab shows to those who administer a group.
func (a *API) namespaceFor(r *request, n ferry.Namespace, level ferry.AccessLevel) (namespaceEntity, error) {
	e := a.namespace(n)
	if !n.IsGroup() || !auth.CanAdminGroup(level) {
		return e, nil
	}
	members, projects, err := a.db.GroupCounts(r.ctx(), n.ID)
	e.groupCounts = &groupCounts{MembersCountWithDescendants: members, ProjectsCount: projects}
	return e, err
}

package api

import (
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/store"
)

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

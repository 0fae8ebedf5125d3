package web

import (
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/store"
)

// groupView is a group's page.
type groupView struct {
	Group     ferry.Namespace
	Subgroups []ferry.Namespace
	Projects  projectList
	// Badges are the group's badges, as stored (no project renders
	// their placeholders).
	Badges []content.Badge
	// Owner: the visitor may export the group (the API's rule:
	// Owner or administrator).
	Owner bool
}

// groupHome is /groups/<group> (and /<group>): its subgroups and
// projects the visitor may see.
func (s *Web) groupHome(w http.ResponseWriter, r *request) error {
	g := *r.group
	f := s.groupFilter(r)
	f.ParentID, f.AllAvailable, f.Page = g.ID, true, store.Page{Number: 1, PerPage: 100}
	subgroups, _, err := s.db.ListGroups(r.ctx(), f)
	if err != nil {
		return err
	}
	projects, err := s.listProjects(r, store.ProjectFilter{NamespaceID: g.ID})
	if err != nil {
		return err
	}
	badges, _, err := s.content.GroupBadges(r.ctx(), g, nil, "", store.Page{Number: 1, PerPage: 100})
	if err != nil {
		return err
	}
	return s.render(w, r, "group", groupView{Group: g, Subgroups: subgroups, Projects: projects, Badges: badges,
		Owner: auth.CanAdminGroup(r.level)})
}

// userView is a user's page.
type userView struct {
	User     ferry.User
	Projects projectList
}

// userHome is /<username>: the user and the projects of their personal
// namespace the visitor may see.
func (s *Web) userHome(w http.ResponseWriter, r *request, n ferry.Namespace) error {
	u, err := s.db.UserByID(r.ctx(), n.OwnerID)
	if err != nil {
		return err
	}
	projects, err := s.listProjects(r, store.ProjectFilter{NamespaceID: n.ID})
	if err != nil {
		return err
	}
	return s.render(w, r, "user", userView{User: u, Projects: projects})
}

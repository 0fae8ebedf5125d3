package web

import (
	"errors"
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/store"
)

// membersView is a project's members (direct, and those of its groups)
// and, for its Maintainers,
// how its import mapped the exported users.
type membersView struct {
	Members      []memberView
	CanSeeImport bool
	Mappings     []userMapping
	Pages        pager
}

// memberView is a member, its role named and where its membership
// comes from.
type memberView struct {
	User      ferry.User
	Role      string
	Inherited bool
}

// userMapping is one exported user and the Ferry user their
// contributions went to (nil when none: the importer's user).
type userMapping struct {
	store.ImportUserMapping
	User *ferry.User
}

// projectMembers is /<project>/-/project_members; the import's user
// mapping shows to Maintainers and administrators, as its API
// (GET /ferry/projects/:id/import/user_mappings).
func (s *Web) projectMembers(w http.ResponseWriter, r *request) error {
	if r.rest != "" {
		return ferry.ErrNotFound
	}
	members, err := s.db.Members(r.ctx(), ferry.MemberOfProject, r.project.ID)
	if err == nil {
		members, err = s.db.WithInherited(r.ctx(), members, r.project.NamespaceID)
	}
	if err != nil {
		return err
	}
	v := membersView{CanSeeImport: auth.CanAdminProject(r.level) || auth.IsAdmin(r.user)}
	for _, m := range members {
		v.Members = append(v.Members, memberView{User: m.User, Role: capitalize(m.AccessLevel.String()),
			Inherited: m.SourceKind != ferry.MemberOfProject})
	}
	if !v.CanSeeImport {
		return s.render(w, r, "members", v)
	}
	pg := s.pageOf(r)
	list, total, err := s.db.ImportUserMappings(r.ctx(), r.project.ID, pg)
	if err != nil {
		return err
	}
	for _, m := range list {
		um := userMapping{ImportUserMapping: m}
		if um.User, err = s.mappedUser(r, m.UserID); err != nil {
			return err
		}
		v.Mappings = append(v.Mappings, um)
	}
	v.Pages = newPager(r, pg, total)
	return s.render(w, r, "members", v)
}

// mappedUser is the user with id, nil for 0 or a user deleted since.
func (s *Web) mappedUser(r *request, id int64) (*ferry.User, error) {
	if id == 0 {
		return nil, nil
	}
	u, err := s.db.UserByID(r.ctx(), id)
	if errors.Is(err, ferry.ErrNotFound) {
		return nil, nil
	}
	return &u, err
}

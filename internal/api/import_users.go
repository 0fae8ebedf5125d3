package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
)

// importUserMappingEntity is one user of a project's last imported
// archive and the user it became. GitLab (17.x and later) keeps this as
// import source users (Import::SourceUser: source_user_identifier,
// source_name, source_username; the placeholder CSV of
// /groups/:id/placeholder_reassignments), with no REST list per project:
// Ferry's answer borrows its field names. mapped_by is how Ferry found the
// user (public_email, email) or importer when it did not and the importer
// took the contributions; contributions counts the user references of the
// archive's records that named the archive user.
type importUserMappingEntity struct {
	SourceUserIdentifier string     `json:"source_user_identifier"`
	SourceUsername       *string    `json:"source_username"`
	SourceName           *string    `json:"source_name"`
	SourceEmail          *string    `json:"source_email,omitempty"`
	SourcePublicEmail    *string    `json:"source_public_email"`
	MappedBy             string     `json:"mapped_by"`
	User                 *userBasic `json:"user"`
	Contributions        int64      `json:"contributions"`
}

// listImportUserMappings is GET /ferry/projects/:id/import/user_mappings:
// who each user of the project's last imported archive became, by
// archive user id, paginated. For the project's Maintainers and
// administrators; the archive's private emails for administrators only.
func (a *API) listImportUserMappings(w http.ResponseWriter, r *request) error {
	p, level, err := a.findProject(r)
	if err != nil {
		return err
	}
	admin := auth.IsAdmin(r.user)
	if level < ferry.Maintainer && !admin {
		return forbidden("")
	}
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	list, total, err := a.db.ImportUserMappings(r.ctx(), p.ID, pg.store())
	if err != nil {
		return err
	}
	users := map[int64]*userBasic{}
	out := make([]importUserMappingEntity, 0, len(list))
	for _, m := range list {
		e := importUserMappingEntity{SourceUserIdentifier: strconv.FormatInt(m.SourceID, 10),
			SourceUsername: nullable(m.SourceUsername), SourceName: nullable(m.SourceName),
			SourcePublicEmail: nullable(m.SourcePublicEmail), MappedBy: m.MappedBy, Contributions: m.Contributions}
		if admin {
			e.SourceEmail = nullable(m.SourceEmail)
		}
		if e.User, err = a.mappedUser(r, m.UserID, users); err != nil {
			return err
		}
		out = append(out, e)
	}
	a.writeList(w, r, pg, total, out)
	return nil
}

// mappedUser is the user with id (nil for 0 or a deleted one), looked up
// once per request.
func (a *API) mappedUser(r *request, id int64, seen map[int64]*userBasic) (*userBasic, error) {
	if id == 0 {
		return nil, nil
	}
	if u, ok := seen[id]; ok {
		return u, nil
	}
	u, err := a.db.UserByID(r.ctx(), id)
	if errors.Is(err, ferry.ErrNotFound) {
		seen[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	e := a.userBasic(u)
	seen[id] = &e
	return &e, nil
}

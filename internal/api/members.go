package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/ferryhq/ferry"
)

// listProjectMembers is GET /projects/:id/members (direct members) and,
// with all, /members/all (with those inherited from ancestor groups).
func (a *API) listProjectMembers(all bool) handler {
	return func(w http.ResponseWriter, r *request) error {
		pg, err := readPager(r.params)
		if err != nil {
			return err
		}
		p, _, err := a.findProject(r)
		if err != nil {
			return err
		}
		members, err := a.db.Members(r.ctx(), ferry.MemberOfProject, p.ID)
		if err != nil {
			return err
		}
		if all {
			if members, err = a.db.WithInherited(r.ctx(), members, p.NamespaceID); err != nil {
				return err
			}
		}
		a.writeMembers(w, r, pg, members)
		return nil
	}
}

// listGroupMembers is GET /groups/:id/members and /members/all.
func (a *API) listGroupMembers(all bool) handler {
	return func(w http.ResponseWriter, r *request) error {
		pg, err := readPager(r.params)
		if err != nil {
			return err
		}
		g, _, err := a.findGroup(r, r.PathValue("id"))
		if err != nil {
			return err
		}
		var members []ferry.Member
		if all {
			members, err = a.db.WithInherited(r.ctx(), nil, g.ID)
		} else {
			members, err = a.db.Members(r.ctx(), ferry.MemberOfNamespace, g.ID)
		}
		if err != nil {
			return err
		}
		a.writeMembers(w, r, pg, members)
		return nil
	}
}

// writeMembers answers pg's page of members.
func (a *API) writeMembers(w http.ResponseWriter, r *request, pg pager, members []ferry.Member) {
	page := pageOf(pg, members)
	out := make([]memberEntity, len(page))
	for i, m := range page {
		out[i] = a.member(m)
	}
	a.writeList(w, r, pg, len(members), out)
}

// addProjectMember is POST /projects/:id/members (Maintainer or above; only
// an Owner may grant Owner).
func (a *API) addProjectMember(w http.ResponseWriter, r *request) error {
	p, level, err := a.findProject(r)
	if err != nil {
		return err
	}
	return a.addMember(w, r, ferry.MemberOfProject, p.ID, level, ferry.Maintainer)
}

// addGroupMember is POST /groups/:id/members (Owner).
func (a *API) addGroupMember(w http.ResponseWriter, r *request) error {
	g, level, err := a.findGroup(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.addMember(w, r, ferry.MemberOfNamespace, g.ID, level, ferry.Owner)
}

func (a *API) addMember(w http.ResponseWriter, r *request, kind string, sourceID int64, callerLevel, needed ferry.AccessLevel) error {
	if err := r.params.require("access_level"); err != nil {
		return err
	}
	if !r.params.has("user_id") && !r.params.has("username") {
		return &ferry.ParamError{Param: "user_id, username", Reason: "are missing, exactly one parameter must be provided"}
	}
	levelText, _ := r.params.str("access_level")
	level, err := ferry.ParseAccessLevel(levelText)
	if err != nil {
		return &ferry.ParamError{Param: "access_level", Reason: "does not have a valid value"}
	}
	if callerLevel < needed || level > callerLevel {
		return forbidden("")
	}
	user, err := a.memberUser(r)
	if err != nil {
		return err
	}
	m := ferry.Member{SourceKind: kind, SourceID: sourceID, User: user, AccessLevel: level}
	if s, ok := r.params.str("expires_at"); ok && s != "" {
		day, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return &ferry.ParamError{Param: "expires_at"}
		}
		m.ExpiresAt = &day
	}
	if err := a.db.AddMember(r.ctx(), &m); err != nil {
		if errors.Is(err, ferry.ErrConflict) {
			return apiError(http.StatusConflict, "Member already exists")
		}
		return err
	}
	writeJSON(w, http.StatusCreated, a.member(m))
	return nil
}

// memberUser is the user named by user_id (or username).
func (a *API) memberUser(r *request) (ferry.User, error) {
	if id, ok := r.params.str("user_id"); ok {
		return a.findUser(r, id)
	}
	name, _ := r.params.str("username")
	u, err := a.db.UserByUsername(r.ctx(), name)
	if errors.Is(err, ferry.ErrNotFound) {
		return u, notFound("User")
	}
	return u, err
}

// getProjectMember is GET /projects/:id/members/:user_id and
// /members/all/:user_id (with inherited memberships): 404 Not found for a
// user who is no member (ActiveRecord's, as GitLab).
func (a *API) getProjectMember(all bool) handler {
	return func(w http.ResponseWriter, r *request) error {
		p, _, err := a.findProject(r)
		if err != nil {
			return err
		}
		id, err := pathID(r, "user_id")
		if err != nil {
			return err
		}
		members, err := a.db.Members(r.ctx(), ferry.MemberOfProject, p.ID)
		if err == nil && all {
			members, err = a.db.WithInherited(r.ctx(), members, p.NamespaceID)
		}
		if err != nil {
			return err
		}
		for _, m := range members {
			if m.User.ID == id {
				writeJSON(w, http.StatusOK, a.member(m))
				return nil
			}
		}
		return &httpError{Status: http.StatusNotFound, Body: message{"404 Not found"}}
	}
}

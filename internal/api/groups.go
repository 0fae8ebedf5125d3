package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// createGroup is POST /groups. A sub-group needs Maintainer or above on its
// parent; the creator becomes the group's Owner.
func (a *API) createGroup(w http.ResponseWriter, r *request) error {
	if err := r.params.require("name", "path"); err != nil {
		return err
	}
	g := ferry.Namespace{}
	g.Name, _ = r.params.str("name")
	g.Path, _ = r.params.str("path")
	g.Description, _ = r.params.str("description")
	parentRef, hasParent := r.params.str("parent_id")
	var parent ferry.Namespace
	if hasParent && parentRef != "" {
		var (
			level ferry.AccessLevel
			err   error
		)
		if parent, level, err = a.findGroup(r, parentRef); err != nil {
			return err
		}
		if level < ferry.Maintainer {
			return forbidden("")
		}
		g.ParentID = parent.ID
	}
	settings, err := a.db.Settings(r.ctx())
	if err != nil {
		return err
	}
	if g.Visibility, err = r.params.oneOf("visibility", settings.DefaultGroupVisibility,
		ferry.Private, ferry.Internal, ferry.Public); err != nil {
		return err
	}
	if err := validateGroup(g, parent); err != nil {
		return err
	}
	err = a.db.Tx(r.ctx(), func(tx *store.Tx) error {
		if err := tx.CreateGroup(r.ctx(), &g); err != nil {
			return err
		}
		return tx.AddMember(r.ctx(), &ferry.Member{SourceKind: ferry.MemberOfNamespace, SourceID: g.ID,
			User: *r.user, AccessLevel: ferry.Owner})
	})
	if err != nil {
		return groupSaveError(err)
	}
	writeJSON(w, http.StatusCreated, a.group(g))
	return nil
}

func validateGroup(g, parent ferry.Namespace) error {
	if err := ferry.ValidateName(g.Name); err != nil {
		return groupSaveError(err)
	}
	if err := ferry.ValidatePath(g.Path, g.ParentID == 0); err != nil {
		return groupSaveError(err)
	}
	if g.ParentID != 0 && ferry.VisibilityRank(g.Visibility) > ferry.VisibilityRank(parent.Visibility) {
		return groupSaveError(&ferry.ValidationError{Field: "visibility_level",
			Reason: fmt.Sprintf("%s is not allowed since the parent group has a %s visibility.", g.Visibility, parent.Visibility)})
	}
	return nil
}

// groupSaveError is GitLab's answer to a group that fails validation:
// 400 {"message":"Failed to save group {:path=>[\"has already been taken\"]}"}.
func groupSaveError(err error) error {
	var ve *ferry.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	return apiError(http.StatusBadRequest, fmt.Sprintf("Failed to save group {:%s=>[%q]}", ve.Field, ve.Reason))
}

// getGroup is GET /groups/:id.
func (a *API) getGroup(w http.ResponseWriter, r *request) error {
	g, _, err := a.findGroup(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.group(g))
	return nil
}

// listGroups is GET /groups: the groups GitLab's GroupsFinder gives the
// caller, filtered, ordered and paginated.
func (a *API) listGroups(w http.ResponseWriter, r *request) error {
	f, pg, err := groupFilter(r)
	if err != nil {
		return err
	}
	return a.writeGroups(w, r, f, pg)
}

// listSubgroups is GET /groups/:id/subgroups: GET /groups limited to the
// group's children.
func (a *API) listSubgroups(w http.ResponseWriter, r *request) error {
	f, pg, err := groupFilter(r)
	if err != nil {
		return err
	}
	g, _, err := a.findGroup(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	f.ParentID = g.ID
	return a.writeGroups(w, r, f, pg)
}

func (a *API) writeGroups(w http.ResponseWriter, r *request, f store.GroupFilter, pg pager) error {
	f.Page = pg.store()
	groups, total, err := a.db.ListGroups(r.ctx(), f)
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, mapSlice(groups, a.group))
	return nil
}

// listGroupProjects is GET /groups/:id/projects.
func (a *API) listGroupProjects(w http.ResponseWriter, r *request) error {
	g, _, err := a.findGroup(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	sub, err := r.params.boolean("include_subgroups", false)
	if err != nil {
		return err
	}
	return a.writeProjects(w, r, store.ProjectFilter{NamespaceID: g.ID, IncludeSubgroups: sub})
}

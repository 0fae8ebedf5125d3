package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/removal"
	"github.com/ferryhq/ferry/internal/store"
)

// deleteGroup is DELETE /groups/:id, as GitLab 18 (lib/api/groups.rb with
// the adjourned deletion it took from EE): Owners, directly or through an
// ancestor, and administrators (403 below). The group is marked for
// deletion, renamed (ferry.DeletionScheduledIdentifier, so its path is
// free at once) and removed with its sub-groups and projects after
// deletion_adjourned_period days; 202 Accepted. A group already marked
// answers 400 "Group has been already marked for deletion". With
// permanently_remove (true in Gitlab::Utils.to_boolean's words; any other
// value is false) a marked sub-group whose full_path is given exactly is
// removed at once, in one transaction, its projects' repositories and
// files by the same job as DELETE /projects/:id.
func (a *API) deleteGroup(w http.ResponseWriter, r *request) error {
	g, level, err := a.findGroup(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !auth.CanRemove(level) {
		return forbidden("")
	}
	if s, _ := r.params.str("permanently_remove"); boolWords[strings.ToLower(strings.TrimSpace(s))] {
		if msg := permanentRemovalError(g, r); msg != "" {
			return apiError(http.StatusBadRequest, msg)
		}
		return a.deleteAccepted(w, r, func(tx *store.Tx) ([]string, error) {
			return removal.GroupTree(r.ctx(), tx, a.enqueueTx, g.ID)
		})
	}
	if g.MarkedForDeletionAt != nil {
		return apiError(http.StatusBadRequest, "Group has been already marked for deletion")
	}
	err = a.db.Tx(r.ctx(), func(tx *store.Tx) error {
		_, err := tx.MarkGroupForDeletion(r.ctx(), g, r.user.ID, time.Now())
		return err
	})
	if err != nil {
		return groupSaveError(err)
	}
	writeJSON(w, http.StatusAccepted, message{"202 Accepted"})
	return nil
}

// permanentRemovalError is why g may not be removed at once, in GitLab's
// order and words (immediately_delete_subgroup_error), or "".
func permanentRemovalError(g ferry.Namespace, r *request) string {
	fullPath, _ := r.params.str("full_path")
	switch {
	case g.ParentID == 0:
		return "`permanently_remove` option is only available for subgroups."
	case g.MarkedForDeletionAt == nil:
		return "Group must be marked for deletion first."
	case fullPath != g.FullPath:
		return "`full_path` is incorrect. You must enter the complete path for the subgroup."
	}
	return ""
}

// restoreGroup is POST /groups/:id/restore (GitLab's Groups::RestoreService):
// an Owner or administrator takes back a group marked for deletion, with
// its name and path; 201 and the group. A group not marked answers 400
// "Group has not been marked for deletion".
func (a *API) restoreGroup(w http.ResponseWriter, r *request) error {
	g, level, err := a.findGroup(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !auth.CanRemove(level) {
		return forbidden("")
	}
	if g.MarkedForDeletionAt == nil {
		return apiError(http.StatusBadRequest, "Group has not been marked for deletion")
	}
	err = a.db.Tx(r.ctx(), func(tx *store.Tx) (err error) {
		g, err = tx.RestoreGroup(r.ctx(), g)
		return err
	})
	if err != nil {
		return groupSaveError(err)
	}
	writeJSON(w, http.StatusCreated, a.group(g))
	return nil
}

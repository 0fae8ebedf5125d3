package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/removal"
	"github.com/ferryhq/ferry/internal/store"
)

// deleteUser is DELETE /users/:id (administrators, themselves included, as
// in GitLab): 204 once the user, their personal namespace and its
// projects, tokens, memberships and exports are gone (repositories and
// files follow in jobs). A user who is the only Owner of a group is kept
// (409) unless hard_delete is true, which deletes those groups too.
func (a *API) deleteUser(w http.ResponseWriter, r *request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return &ferry.ParamError{Param: "id"}
	}
	hard, err := r.params.boolean("hard_delete", false)
	if err != nil {
		return err
	}
	if err := requireAdmin(r); err != nil {
		return err
	}
	u, err := a.db.UserByID(r.ctx(), id)
	if errors.Is(err, ferry.ErrNotFound) {
		return notFound("User")
	}
	if err != nil {
		return err
	}
	var files []string
	err = a.db.Tx(r.ctx(), func(tx *store.Tx) (err error) {
		files, err = a.deleteUserTx(r, tx, u, hard)
		return err
	})
	if err != nil {
		return err
	}
	a.deleteUploads(r.ctx(), files)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// soleOwner is GitLab's answer to deleting the last Owner of a group.
var soleOwner = apiError(http.StatusConflict, "User cannot be removed while is the sole-owner of a group")

// deleteUserTx removes u in tx and returns the stored files to delete once
// committed.
func (a *API) deleteUserTx(r *request, tx *store.Tx, u ferry.User, hard bool) ([]string, error) {
	ctx := r.ctx()
	solo, err := tx.SoloOwnedGroups(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if len(solo) > 0 && !hard {
		return nil, soleOwner
	}
	var files []string
	for _, g := range solo { // parents first: a sub-group may be gone with its parent
		uploads, err := removal.GroupTree(ctx, tx, a.enqueueTx, g.ID)
		if err != nil && !errors.Is(err, ferry.ErrNotFound) {
			return nil, err
		}
		files = append(files, uploads...)
	}
	_, personal, err := tx.NamespaceTree(ctx, u.NamespaceID)
	if err != nil {
		return nil, err
	}
	uploads, err := removal.Projects(ctx, tx, a.enqueueTx, personal)
	if err != nil {
		return nil, err
	}
	exports, err := tx.ExportFilesOf(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	groupExports, err := tx.DeleteGroupExports(ctx, 0, u.ID)
	if err != nil {
		return nil, err
	}
	exports = append(exports, groupExports...)
	return append(append(files, uploads...), exports...), tx.DeleteUser(ctx, u.ID)
}

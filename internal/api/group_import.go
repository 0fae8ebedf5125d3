package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/correlation"
	"github.com/ferryhq/ferry/internal/importer"
	"github.com/ferryhq/ferry/internal/ratelimit"
	"github.com/ferryhq/ferry/internal/store"
)

// importGroup is POST /groups/import (GitLab's lib/api/group_import.rb):
// the multipart file is streamed to blob storage as for POST
// /projects/import (max_import_size, 413 past it); then, in GitLab's
// order, the parameters (path, name, file; parent_id an integer), the
// right to create the group (create_subgroup on the parent: Maintainer or
// above, 404 when the parent cannot be seen; any user may create a
// top-level group in Ferry), the group_import rate limit of the user
// (429), the file name (422), and the group itself, at the visibility
// closest to its parent's (private at the top level): 400 "Failed to save
// group {...}" when it is invalid or its path taken. The group, its
// Owner membership, the import and its job commit together; 202.
// /groups/import/authorize is Workhorse's pre-authorization, which Ferry
// does not need (it has no /projects/import/authorize either).
func (a *API) importGroup(w http.ResponseWriter, r *request) error {
	settings, err := a.db.Settings(r.ctx())
	if err != nil {
		return err
	}
	up, err := a.readUpload(r, settings)
	if up.fileKey != "" {
		defer func() {
			if up.fileKey != "" {
				_ = a.blobs.Delete(context.WithoutCancel(r.ctx()), up.fileKey)
			}
		}()
	}
	if err != nil {
		return err
	}
	r.params = up.fields
	if err := r.params.require("path", "name", "file"); err != nil {
		return err
	}
	if !up.hasFile {
		return &ferry.ParamError{Param: "file"}
	}
	if _, err := r.params.integer("parent_id", 0); err != nil {
		return err
	}
	if _, err := r.params.integer("organization_id", 0); err != nil {
		return err
	}
	g, parent, err := a.groupToImport(r)
	if err != nil {
		return err
	}
	if err := a.throttle(r, ratelimit.GroupImport, settings.GroupImportLimit, userScope(r.user)); err != nil {
		return err
	}
	if !strings.HasSuffix(strings.ToLower(up.fileName), ".gz") {
		return &httpError{Status: http.StatusUnprocessableEntity, Body: message{map[string]string{
			"error": "You need to upload a GitLab project export archive (ending in .gz)."}}}
	}
	if err := validateGroup(g, parent); err != nil {
		return err
	}
	if err := a.scheduleGroupImport(r, &g, up.fileKey); err != nil {
		return groupSaveError(err)
	}
	up.fileKey = "" // the import owns it now
	writeJSON(w, http.StatusAccepted, message{"202 Accepted"})
	return nil
}

// groupToImport is the group the request asks for and its parent,
// checking the caller may create it there (GitLab's
// authorize_create_group!).
func (a *API) groupToImport(r *request) (ferry.Namespace, ferry.Namespace, error) {
	var g, parent ferry.Namespace
	g.Name, _ = r.params.str("name")
	g.Path, _ = r.params.str("path")
	g.Visibility = ferry.Private
	if ref, _ := r.params.str("parent_id"); ref != "" {
		p, level, err := a.findGroup(r, ref)
		if err != nil {
			return g, parent, err
		}
		if level < ferry.Maintainer {
			return g, parent, forbidden("")
		}
		parent, g.ParentID, g.Visibility = p, p.ID, p.Visibility
	}
	return g, parent, nil
}

// scheduleGroupImport creates g with the caller as its Owner, its import
// and the import job in one transaction.
func (a *API) scheduleGroupImport(r *request, g *ferry.Namespace, uploadKey string) error {
	return a.db.Tx(r.ctx(), func(tx *store.Tx) error {
		if err := tx.CreateGroup(r.ctx(), g); err != nil {
			return err
		}
		if err := tx.AddMember(r.ctx(), &ferry.Member{SourceKind: ferry.MemberOfNamespace, SourceID: g.ID,
			User: *r.user, AccessLevel: ferry.Owner}); err != nil {
			return err
		}
		im := ferry.GroupImport{GroupID: g.ID, UserID: r.user.ID, Status: ferry.ImportScheduled,
			UploadKey: uploadKey, CorrelationID: correlation.ID(r.ctx())}
		if err := tx.CreateGroupImport(r.ctx(), &im); err != nil {
			return err
		}
		_, err := a.jobs.InsertTx(r.ctx(), tx, importer.GroupArgs{GroupID: g.ID, CorrelationID: im.CorrelationID}, nil)
		return err
	})
}

// groupImportEntity is Ferry's group import status.
type groupImportEntity struct {
	ID              int64                      `json:"id"`
	FullPath        string                     `json:"full_path"`
	ImportStatus    string                     `json:"import_status"`
	ImportError     *string                    `json:"import_error"`
	Attempts        int                        `json:"attempts"`
	Stats           map[string]int64           `json:"stats"`
	FailedRelations []ferry.GroupImportFailure `json:"failed_relations"`
	CreatedAt       timestamp                  `json:"created_at"`
	UpdatedAt       timestamp                  `json:"updated_at"`
}

// getGroupImport is GET /ferry/groups/:id/import, Ferry's own: GitLab has
// no group import status endpoint. Owners of the group and administrators
// only (403 otherwise); 404 Group Import Not Found for a group that was
// not imported.
func (a *API) getGroupImport(w http.ResponseWriter, r *request) error {
	g, level, err := a.findGroup(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if level < ferry.Owner {
		return forbidden("")
	}
	im, err := a.db.GroupImportOf(r.ctx(), g.ID)
	if err != nil {
		if errors.Is(err, ferry.ErrNotFound) {
			return notFound("Group Import")
		}
		return err
	}
	e := groupImportEntity{ID: g.ID, FullPath: g.FullPath, ImportStatus: im.Status, Attempts: im.Attempts,
		Stats: im.Stats, FailedRelations: im.Failures, CreatedAt: ts(im.CreatedAt), UpdatedAt: ts(im.UpdatedAt)}
	if im.Error != "" {
		e.ImportError = &im.Error
	}
	if e.Stats == nil {
		e.Stats = map[string]int64{}
	}
	if e.FailedRelations == nil {
		e.FailedRelations = []ferry.GroupImportFailure{}
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

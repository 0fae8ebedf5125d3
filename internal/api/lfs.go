package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
)

// maxLFSBatch bounds a batch request's body.
const maxLFSBatch = 8 << 20

// lfsOID is an LFS object id: the SHA-256 of its content, in lower hex.
var lfsOID = regexp.MustCompile(`^[0-9a-f]{64}$`)

// lfsBatchRequest is the body of POST .../info/lfs/objects/batch.
type lfsBatchRequest struct {
	Operation string         `json:"operation"`
	Objects   []lfsObjectRef `json:"objects"`
}

// lfsObjectRef is one object of a batch, asked and answered.
type lfsObjectRef struct {
	OID           string      `json:"oid"`
	Size          int64       `json:"size"`
	Actions       *lfsActions `json:"actions,omitempty"`
	Authenticated bool        `json:"authenticated,omitempty"`
	Error         *lfsError   `json:"error,omitempty"`
}

type lfsActions struct {
	Download lfsAction `json:"download"`
}

type lfsAction struct {
	Href   string            `json:"href"`
	Header map[string]string `json:"header"`
}

type lfsError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// lfsBatch is POST /<full_path>.git/info/lfs/objects/batch, the Git LFS
// batch API as GitLab answers it. Download: every stored object gets a
// download action at .../gitlab-lfs/objects/<oid> carrying the caller's
// Authorization header, every other a 404 error. Upload (Developer and
// above): objects already stored need no action; new ones are refused with
// 403, as Ferry keeps only the LFS objects that imports bring.
func (a *API) lfsBatch(w http.ResponseWriter, r *http.Request, fullPath string) {
	c, ok := a.lfsAuthenticate(w, r)
	if !ok {
		return
	}
	var req lfsBatchRequest
	bad := json.NewDecoder(io.LimitReader(r.Body, maxLFSBatch)).Decode(&req)
	if bad != nil {
		req.Operation = "download"
	}
	if !a.lfsAuthorize(w, r, &c, fullPath, req.Operation) {
		return
	}
	if bad != nil {
		a.lfsMessage(w, http.StatusUnprocessableEntity, "Unprocessable entity.")
		return
	}
	if len(req.Objects) == 0 {
		a.lfsMessage(w, http.StatusNotFound, "Not found.")
		return
	}
	href := a.base + "/" + c.project.FullPath() + ".git/gitlab-lfs/objects/"
	header := map[string]string{}
	if h := r.Header.Get("Authorization"); h != "" {
		header["Authorization"] = h
	}
	for i := range req.Objects {
		o := &req.Objects[i]
		stored, err := a.lfsStored(r, c.project.ID, o.OID)
		if err != nil {
			a.writeError(w, r, err)
			return
		}
		switch {
		case req.Operation == "upload" && !stored:
			a.lfsMessage(w, http.StatusForbidden, "Ferry keeps the LFS objects of imported projects only: it cannot store new ones.")
			return
		case stored && req.Operation == "download":
			o.Actions = &lfsActions{Download: lfsAction{Href: href + o.OID, Header: header}}
			o.Authenticated = c.project.Visibility == ferry.Public
		case !stored:
			o.Error = &lfsError{Code: http.StatusNotFound,
				Message: "Object does not exist on the server or you don't have permissions to access it"}
		}
	}
	writeLFS(w, http.StatusOK, map[string]any{"objects": req.Objects})
}

// lfsStored reports whether project id holds LFS object oid.
func (a *API) lfsStored(r *http.Request, projectID int64, oid string) (bool, error) {
	if !lfsOID.MatchString(oid) {
		return false, nil
	}
	obj, err := a.blobs.Open(r.Context(), lfsObjectKey(projectID, oid))
	if errors.Is(err, blob.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, obj.Close()
}

// lfsObject is GET /<full_path>.git/gitlab-lfs/objects/<oid>: the object,
// streamed from the blob store (with Range), to those who may download
// the project's code.
func (a *API) lfsObject(w http.ResponseWriter, r *http.Request, fullPath, oid string) {
	c, ok := a.lfsAuthenticate(w, r)
	if !ok || !a.lfsAuthorize(w, r, &c, fullPath, "download") {
		return
	}
	if !lfsOID.MatchString(oid) {
		a.lfsMessage(w, http.StatusNotFound, "Not found.")
		return
	}
	obj, err := a.blobs.Open(r.Context(), lfsObjectKey(c.project.ID, oid))
	if errors.Is(err, blob.ErrNotFound) {
		a.lfsMessage(w, http.StatusNotFound, "Not found.")
		return
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	defer obj.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	if err := serveContent(w, r, "", obj.ModTime(), obj); err != nil {
		a.writeError(w, r, err)
	}
}

// lfsObjectKey is where an import keeps a project's LFS object.
func lfsObjectKey(projectID int64, oid string) string {
	return blob.LFSPrefix(projectID) + "/objects/" + oid
}

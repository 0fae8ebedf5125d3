package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
)

// uploadEntity is an upload as GET /projects/:id/uploads lists it.
// Uploads come from archives, which name no uploader: uploaded_by is null
// and created_at is when the project was imported.
type uploadEntity struct {
	ID         int64     `json:"id"`
	Size       int64     `json:"size"`
	Filename   string    `json:"filename"`
	CreatedAt  timestamp `json:"created_at"`
	UploadedBy *struct{} `json:"uploaded_by"`
}

// storedUpload is one upload in the blob store; ID is its 1-based place
// in key order, stable as an imported project's uploads do not change.
type storedUpload struct {
	ID           int64
	Secret, Name string
	Size         int64
}

var errStopUploads = errors.New("stop")

// eachUpload calls fn with every upload of project id in key order until
// fn returns errStopUploads.
func (a *API) eachUpload(ctx context.Context, projectID int64, fn func(storedUpload) error) error {
	var n int64
	err := a.blobs.List(ctx, blob.UploadsPrefix(projectID), func(rel string, size int64) error {
		secret, name, ok := strings.Cut(rel, "/")
		if !ok || strings.Contains(name, "/") {
			return nil
		}
		n++
		return fn(storedUpload{ID: n, Secret: secret, Name: name, Size: size})
	})
	if errors.Is(err, errStopUploads) {
		return nil
	}
	return err
}

// listUploads is GET /projects/:id/uploads (Maintainer), one page at a
// time: only the page is held in memory.
func (a *API) listUploads(w http.ResponseWriter, r *request) error {
	p, err := a.uploadsProject(r)
	if err != nil {
		return err
	}
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	from := int64(pg.offset())
	page, total := []uploadEntity{}, 0
	err = a.eachUpload(r.ctx(), p.ID, func(u storedUpload) error {
		total++
		if u.ID > from && len(page) < pg.perPage {
			page = append(page, uploadEntity{ID: u.ID, Size: u.Size, Filename: u.Name, CreatedAt: ts(p.CreatedAt)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.writeList(w, r, pg, total, page)
	return nil
}

// apiUploadByID is GET /projects/:id/uploads/:upload_id (Maintainer: ids
// can be enumerated without the secret). An unknown id is GitLab's
// RecordNotFound answer, 404 Not found.
func (a *API) apiUploadByID(w http.ResponseWriter, r *request) error {
	id, err := strconv.ParseInt(r.PathValue("upload_id"), 10, 64)
	if err != nil {
		return &ferry.ParamError{Param: "upload_id", Reason: "is invalid"}
	}
	p, err := a.uploadsProject(r)
	if err != nil {
		return err
	}
	var found *storedUpload
	err = a.eachUpload(r.ctx(), p.ID, func(u storedUpload) error {
		if u.ID == id {
			found = &u
			return errStopUploads
		}
		return nil
	})
	if err != nil {
		return err
	}
	if found == nil {
		return apiError(http.StatusNotFound, "404 Not found")
	}
	return a.serveUpload(w, r, p, found.Secret, found.Name, apiHeaders)
}

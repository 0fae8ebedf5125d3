package api

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/correlation"
	"github.com/ferryhq/ferry/internal/exporter"
	"github.com/ferryhq/ferry/internal/ratelimit"
	"github.com/ferryhq/ferry/internal/ssrf"
	"github.com/ferryhq/ferry/internal/store"
)

// exportGate is the check every export route starts with, in GitLab's
// order: exports enabled (else 404), the project readable (else 404
// Project Not Found), Maintainer or above (else 403).
func (a *API) exportGate(r *request) (ferry.Project, ferry.Settings, error) {
	return a.exportGateFor(r, r.PathValue("id"))
}

// exportGateFor is exportGate for a project id or full path.
func (a *API) exportGateFor(r *request, ref string) (ferry.Project, ferry.Settings, error) {
	settings, err := a.db.Settings(r.ctx())
	if err != nil {
		return ferry.Project{}, settings, err
	}
	if !settings.ProjectExportEnabled {
		return ferry.Project{}, settings, notFound("")
	}
	p, level, err := a.findProjectByRef(r, ref)
	if err != nil {
		return p, settings, err
	}
	if level < ferry.Maintainer {
		return p, settings, forbidden("")
	}
	return p, settings, nil
}

// scheduleExport is POST /projects/:id/export.
func (a *API) scheduleExport(w http.ResponseWriter, r *request) error {
	p, settings, err := a.exportGate(r)
	if err != nil {
		return err
	}
	method, err := r.params.oneOf("upload[http_method]", http.MethodPut, http.MethodPut, http.MethodPost)
	if err != nil {
		return err
	}
	if err := a.throttle(r, ratelimit.ProjectExport, settings.ProjectExportLimit, userScope(r.user)); err != nil {
		return err
	}
	e := ferry.Export{ProjectID: p.ID, UserID: r.user.ID, CorrelationID: correlation.ID(r.ctx())}
	if d, ok := r.params.str("description"); ok {
		e.Description = &d
	}
	if u, _ := r.params.str("upload[url]"); strings.TrimSpace(u) != "" {
		u = strings.TrimSpace(u)
		var blocked *ssrf.BlockedError
		if err := ssrf.CheckSyntax(u); errors.As(err, &blocked) {
			return validationError("url", "is blocked: "+blocked.Reason)
		}
		e.UploadURL, e.UploadMethod, e.UploadStatus = a.box.Seal(u), method, ferry.UploadPending
	}
	if err := a.checkExportSize(r, p, settings); err != nil {
		return err
	}
	if err := a.enqueueExport(r, &e); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, message{"202 Accepted"})
	return nil
}

func userScope(u *ferry.User) string { return "user:" + strconv.FormatInt(u.ID, 10) }

// checkExportSize refuses a project larger than max_export_size MiB
// (repository, wiki and stored records).
func (a *API) checkExportSize(r *request, p ferry.Project, settings ferry.Settings) error {
	if settings.MaxExportSize <= 0 {
		return nil
	}
	size, err := a.db.RelationDataSize(r.ctx(), p.ID)
	if err != nil {
		return err
	}
	for _, dir := range []string{a.repos.Dir(p.ID), a.repos.WikiDir(p.ID)} {
		n, err := dirSize(dir)
		if err != nil {
			return err
		}
		size += n
	}
	if size > ferry.MiB(settings.MaxExportSize) {
		return apiError(http.StatusBadRequest, "The project size exceeds the export limit.")
	}
	return nil
}

func dirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if info, err := d.Info(); err == nil && d.Type().IsRegular() {
			total += info.Size()
		}
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	return total, err
}

// enqueueExport records e and its job in one transaction, unless the
// caller already has an export of this project waiting or running, which
// is reused as GitLab does.
func (a *API) enqueueExport(r *request, e *ferry.Export) error {
	return a.db.Tx(r.ctx(), func(tx *store.Tx) error {
		if err := tx.LockProject(r.ctx(), e.ProjectID); err != nil {
			return err
		}
		exports, err := tx.Exports(r.ctx(), e.ProjectID, e.UserID)
		if err != nil {
			return err
		}
		for _, old := range exports {
			if old.Active() {
				return nil
			}
		}
		if err := tx.CreateExport(r.ctx(), e); err != nil {
			return err
		}
		_, err = a.jobs.InsertTx(r.ctx(), tx, exporter.Args{ExportID: e.ID, CorrelationID: e.CorrelationID}, nil)
		return err
	})
}

type exportLinks struct {
	APIURL string `json:"api_url"`
	WebURL string `json:"web_url"`
}

type exportStatusEntity struct {
	ID                int64        `json:"id"`
	Description       *string      `json:"description"`
	Name              string       `json:"name"`
	NameWithNamespace string       `json:"name_with_namespace"`
	Path              string       `json:"path"`
	PathWithNamespace string       `json:"path_with_namespace"`
	CreatedAt         timestamp    `json:"created_at"`
	ExportStatus      string       `json:"export_status"`
	Links             *exportLinks `json:"_links,omitempty"`
	// Ferry's additions: why an export failed, and how its upload went.
	ExportError  string `json:"export_error,omitempty"`
	UploadStatus string `json:"upload_status,omitempty"`
	UploadError  string `json:"upload_error,omitempty"`
	// Progress is the latest export's step running (or last reached).
	Progress *ferry.Progress `json:"progress,omitempty"`
}

// exportStatus is GET /projects/:id/export: the caller's own exports.
func (a *API) exportStatus(w http.ResponseWriter, r *request) error {
	p, _, err := a.exportGate(r)
	if err != nil {
		return err
	}
	exports, err := a.db.Exports(r.ctx(), p.ID, r.user.ID)
	if err != nil {
		return err
	}
	e := exportStatusEntity{ID: p.ID, Description: nullable(p.Description), Name: p.Name, NameWithNamespace: p.FullName(),
		Path: p.Path, PathWithNamespace: p.FullPath(), CreatedAt: ts(p.CreatedAt), ExportStatus: ferry.ExportStatus(exports)}
	if e.ExportStatus == ferry.ExportFinished {
		e.Links = &exportLinks{APIURL: a.apiURL("projects", strconv.FormatInt(p.ID, 10), "export", "download"),
			WebURL: a.base + "/" + p.FullPath() + "/download_export"}
	}
	if len(exports) > 0 {
		latest := exports[0]
		e.UploadStatus, e.UploadError, e.Progress = latest.UploadStatus, latest.UploadError, latest.Progress
		if latest.Status == ferry.ExportFailed {
			e.ExportError = latest.Error
		}
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// downloadExport is GET /projects/:id/export/download.
func (a *API) downloadExport(w http.ResponseWriter, r *request) error {
	p, settings, err := a.exportGate(r)
	if err != nil {
		return err
	}
	return a.serveExport(w, r, p, settings)
}

// serveExport streams the caller's finished export of p with Range
// support, after the per-user, per-namespace download limit.
func (a *API) serveExport(w http.ResponseWriter, r *request, p ferry.Project, settings ferry.Settings) error {
	if err := a.throttle(r, ratelimit.ProjectDownloadExport, settings.ProjectDownloadExportLimit,
		userScope(r.user), "namespace:"+strconv.FormatInt(p.NamespaceID, 10)); err != nil {
		return err
	}
	exports, err := a.db.Exports(r.ctx(), p.ID, r.user.ID)
	if err != nil {
		return err
	}
	var file *ferry.Export
	for i := range exports {
		if exports[i].Status == ferry.ExportFinished {
			file = &exports[i]
			break
		}
	}
	if file == nil {
		return apiError(http.StatusNotFound, "404 Not found or has expired")
	}
	return a.serveArchive(w, r, file.FileKey, file.FileName, "The project export file is not available yet")
}

// serveArchive streams the export archive stored at key as the file name,
// as GitLab's present_carrierwave_file! does (an attachment, binary, with
// Range support), or answers 404 missing when the blob is not there.
func (a *API) serveArchive(w http.ResponseWriter, r *request, key, name, missing string) error {
	obj, err := a.blobs.Open(r.ctx(), key)
	if errors.Is(err, blob.ErrNotFound) {
		return apiError(http.StatusNotFound, missing)
	}
	if err != nil {
		return err
	}
	defer obj.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`,
		name, url.PathEscape(name)))
	h.Set("Content-Transfer-Encoding", "binary")
	return serveContent(w, r.Request, name, obj.ModTime(), obj)
}

// downloadExportWeb is GET /<full_path>/download_export, the web_url of a
// finished export, authenticated as the API is.
func (a *API) downloadExportWeb(fullPath string) handler {
	return func(w http.ResponseWriter, r *request) error {
		p, settings, err := a.exportGateFor(r, fullPath)
		if err != nil {
			return err
		}
		return a.serveExport(w, r, p, settings)
	}
}

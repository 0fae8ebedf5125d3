package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/correlation"
	"github.com/ferryhq/ferry/internal/exporter"
	"github.com/ferryhq/ferry/internal/ratelimit"
	"github.com/ferryhq/ferry/internal/store"
)

// groupExportGate is the check every group export route starts with, in
// GitLab's order (lib/api/group_export.rb: find_group!, then authorize!
// :admin_group): the group readable (else 404 Group Not Found), Owner or
// administrator (else 403).
func (a *API) groupExportGate(r *request) (ferry.Namespace, ferry.Settings, error) {
	g, level, err := a.findGroup(r, r.PathValue("id"))
	if err != nil {
		return g, ferry.Settings{}, err
	}
	if !auth.CanAdminGroup(level) {
		return g, ferry.Settings{}, forbidden("")
	}
	settings, err := a.db.Settings(r.ctx())
	return g, settings, err
}

// scheduleGroupExport is POST /groups/:id/export: 202 Accepted, the
// archive written by a job. A caller's export of the group that is
// waiting or running is reused.
func (a *API) scheduleGroupExport(w http.ResponseWriter, r *request) error {
	g, settings, err := a.groupExportGate(r)
	if err != nil {
		return err
	}
	if err := a.throttle(r, ratelimit.GroupExport, settings.GroupExportLimit, userScope(r.user)); err != nil {
		return err
	}
	e := ferry.GroupExport{GroupID: g.ID, UserID: r.user.ID, CorrelationID: correlation.ID(r.ctx())}
	if err := a.enqueueGroupExport(r, &e); err != nil {
		a.logger.ErrorContext(r.ctx(), "group export not started", "group_id", g.ID, "error", err)
		// GitLab's answer when its worker cannot be queued.
		return apiError(http.StatusServiceUnavailable, "Group export could not be started.")
	}
	writeJSON(w, http.StatusAccepted, message{"202 Accepted"})
	return nil
}

// enqueueGroupExport records e and its job in one transaction, unless the
// caller already has an export of the group waiting or running.
func (a *API) enqueueGroupExport(r *request, e *ferry.GroupExport) error {
	return a.db.Tx(r.ctx(), func(tx *store.Tx) error {
		exports, err := tx.GroupExports(r.ctx(), e.GroupID, e.UserID)
		if err != nil {
			return err
		}
		for _, old := range exports {
			if old.Active() {
				return nil
			}
		}
		if err := tx.CreateGroupExport(r.ctx(), e); err != nil {
			return err
		}
		_, err = a.jobs.InsertTx(r.ctx(), tx, exporter.GroupArgs{ExportID: e.ID, CorrelationID: e.CorrelationID}, nil)
		return err
	})
}

// downloadGroupExport is GET /groups/:id/export/download: the caller's
// own export file (GitLab keeps one per user), after the per-user,
// per-group download limit. While the caller's newest export is being
// written the answer is 404 "The group export file is not available
// yet"; without a file, or once it expired, "404 Not found or has
// expired".
func (a *API) downloadGroupExport(w http.ResponseWriter, r *request) error {
	g, settings, err := a.groupExportGate(r)
	if err != nil {
		return err
	}
	if err := a.throttle(r, ratelimit.GroupDownloadExport, settings.GroupDownloadExportLimit,
		userScope(r.user), "group:"+strconv.FormatInt(g.ID, 10)); err != nil {
		return err
	}
	exports, err := a.db.GroupExports(r.ctx(), g.ID, r.user.ID)
	if err != nil {
		return err
	}
	const notYet = "The group export file is not available yet"
	if len(exports) > 0 && exports[0].Active() {
		return apiError(http.StatusNotFound, notYet)
	}
	for _, e := range exports {
		if e.Status == ferry.ExportFinished && e.ExpiresAt != nil && time.Now().Before(*e.ExpiresAt) {
			return a.serveArchive(w, r, e.FileKey, e.FileName, notYet)
		}
	}
	return apiError(http.StatusNotFound, "404 Not found or has expired")
}

// groupExportStatusEntity is Ferry's answer to GET
// /api/v4/ferry/groups/:id/export (GitLab has no status route for
// file-based group exports).
type groupExportStatusEntity struct {
	ID           int64             `json:"id"`
	FullPath     string            `json:"full_path"`
	ExportStatus string            `json:"export_status"`
	ExportError  string            `json:"export_error,omitempty"`
	CreatedAt    *timestamp        `json:"created_at"`
	FinishedAt   *timestamp        `json:"finished_at"`
	ExpiresAt    *timestamp        `json:"expires_at"`
	Links        *groupExportLinks `json:"_links,omitempty"`
}

type groupExportLinks struct {
	APIURL string `json:"api_url"`
}

// groupExportStatus is GET /api/v4/ferry/groups/:id/export: the state of
// the caller's newest export of the group (none, queued, started,
// finished, failed), so that clients can wait for it without guessing.
func (a *API) groupExportStatus(w http.ResponseWriter, r *request) error {
	g, _, err := a.groupExportGate(r)
	if err != nil {
		return err
	}
	exports, err := a.db.GroupExports(r.ctx(), g.ID, r.user.ID)
	if err != nil {
		return err
	}
	out := groupExportStatusEntity{ID: g.ID, FullPath: g.FullPath, ExportStatus: "none"}
	if len(exports) > 0 {
		e := exports[0]
		created := ts(e.CreatedAt)
		out.ExportStatus, out.CreatedAt = e.Status, &created
		out.FinishedAt, out.ExpiresAt = optionalTS(e.FinishedAt), optionalTS(e.ExpiresAt)
		if e.Status == ferry.ExportFailed {
			out.ExportError = e.Error
		}
		if e.Status == ferry.ExportFinished {
			out.Links = &groupExportLinks{APIURL: a.apiURL("groups", strconv.FormatInt(g.ID, 10), "export", "download")}
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func optionalTS(t *time.Time) *timestamp {
	if t == nil {
		return nil
	}
	v := ts(*t)
	return &v
}

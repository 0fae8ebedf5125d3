package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ferryhq/ferry"
)

// The group's export page: /groups/<g>/-/export shows the visitor's
// newest export of the group (Ferry's GET /ferry/groups/:id/export) and
// schedules one (POST, POST /groups/:id/export); .../export/status.json
// is its JSON for live updates; /groups/<g>/-/download_export, GitLab's
// web path, downloads the file (GET /groups/:id/export/download). The
// API decides: Owners only, its rate limits and messages. GitLab has the
// export in the group's settings (/groups/<g>/-/edit, "Export group").

// groupExportStatus is Ferry's group export status.
type groupExportStatus struct {
	ExportStatus string `json:"export_status"`
	ExportError  string `json:"export_error"`
	Links        *struct {
		APIURL string `json:"api_url"`
	} `json:"_links"`
}

// groupExportView is the group's export page.
type groupExportView struct {
	Group  ferry.Namespace
	Status groupExportStatus
	// Download: the file is ready.
	Download bool
	// Done: no export waiting or running.
	Done  bool
	Error string
}

// groupAPI is the API path of r's group, followed by rest.
func groupAPI(r *request, rest string) string {
	return "/api/v4/groups/" + strconv.FormatInt(r.group.ID, 10) + rest
}

// groupExportStatusPath is Ferry's status route of r's group's export.
func groupExportStatusPath(r *request) string {
	return "/api/v4/ferry/groups/" + strconv.FormatInt(r.group.ID, 10) + "/export"
}

// groupExportPage is /groups/<g>/-/export and its status.json.
func (s *Web) groupExportPage(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	switch r.rest {
	case "":
		return s.groupExportView(w, r, http.StatusOK, groupExportView{})
	case "status.json":
		var st groupExportStatus
		if err := s.callAPI(r, http.MethodGet, groupExportStatusPath(r), nil, &st); err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, st)
	}
	return ferry.ErrNotFound
}

// groupExportView renders the page with the export's status.
func (s *Web) groupExportView(w http.ResponseWriter, r *request, status int, v groupExportView) error {
	if err := s.callAPI(r, http.MethodGet, groupExportStatusPath(r), nil, &v.Status); err != nil {
		return err
	}
	v.Group, v.Download = *r.group, v.Status.Links != nil
	v.Done = v.Status.ExportStatus != ferry.ExportQueued && v.Status.ExportStatus != ferry.ExportStarted
	return s.renderStatus(w, r, status, "group_export", v)
}

// scheduleGroupExport is POST /groups/<g>/-/export.
func (s *Web) scheduleGroupExport(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	if r.rest != "" {
		return ferry.ErrNotFound
	}
	err := s.callAPI(r, http.MethodPost, groupAPI(r, "/export"), nil, nil)
	var refused *apiRefusal
	if errors.As(err, &refused) && refused.Status != http.StatusNotFound && refused.Status != http.StatusForbidden {
		return s.groupExportView(w, r, refused.Status, groupExportView{Error: refused.Message})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r.Request, "/groups/"+r.group.FullPath+"/-/export", http.StatusSeeOther)
	return nil
}

// groupDownloadExport is /groups/<g>/-/download_export: the visitor's
// export file, from the API's download.
func (s *Web) groupDownloadExport(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	if r.rest != "" {
		return ferry.ErrNotFound
	}
	return s.download(w, r, groupAPI(r, "/export/download"))
}

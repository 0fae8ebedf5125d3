package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// Administration, for administrators only (anyone else: 404, as GitLab):
// /admin lists every import and export across projects and groups, failed ones
// first, with retry and cancel (POST /admin/jobs/<kind>/<id>/<action>);
// /admin/application_settings edits the import/export settings. They
// call GET /api/v4/ferry/jobs and its actions (internal/jobadmin's
// rules) and GET/PUT /api/v4/application/settings (its validation and
// messages).

// adminJob is one job of the API's list.
type adminJob struct {
	Kind    string `json:"kind"`
	ID      int64  `json:"id"`
	Project *struct {
		PathWithNamespace string `json:"path_with_namespace"`
	} `json:"project"`
	Group *struct {
		FullPath string `json:"full_path"`
	} `json:"group"`
	State        string     `json:"state"`
	UploadStatus string     `json:"upload_status"`
	Attempts     int        `json:"attempts"`
	Error        string     `json:"error"`
	CreatedAt    time.Time  `json:"created_at"`
	StartedAt    *time.Time `json:"started_at"`
	FinishedAt   *time.Time `json:"finished_at"`
	User         *struct {
		Username string `json:"username"`
	} `json:"user"`
}

// jobRow is a job as the page shows it.
type jobRow struct {
	adminJob
	Duration string
	// Retry and Cancel are the actions the job takes (as jobadmin allows).
	Retry, Cancel bool
}

// adminView is /admin.
type adminView struct {
	Jobs  []jobRow
	Error string
}

// requireAdminPage lets administrators in; others see 404.
func requireAdminPage(r *request) error {
	if r.user == nil {
		return errSignIn
	}
	if !r.user.IsAdmin {
		return ferry.ErrNotFound
	}
	return nil
}

// admin is /admin.
func (s *Web) admin(w http.ResponseWriter, r *request) error {
	if err := requireAdminPage(r); err != nil {
		return err
	}
	return s.adminPage(w, r, http.StatusOK, "")
}

func (s *Web) adminPage(w http.ResponseWriter, r *request, status int, message string) error {
	// The failed ones first (the newest hundred), then the newest hundred
	// of all.
	var failed, recent []adminJob
	if err := s.callAPI(r, http.MethodGet, "/api/v4/ferry/jobs?state=failed&per_page=100", nil, &failed); err != nil {
		return err
	}
	if err := s.callAPI(r, http.MethodGet, "/api/v4/ferry/jobs?per_page=100", nil, &recent); err != nil {
		return err
	}
	now := time.Now()
	v := adminView{Error: message}
	for _, j := range append(failed, recent...) {
		if !slices.ContainsFunc(v.Jobs, func(r jobRow) bool { return j.same(r.adminJob) }) {
			v.Jobs = append(v.Jobs, jobRow{adminJob: j})
		}
	}
	for i := range v.Jobs {
		j := &v.Jobs[i]
		j.Duration = duration(j.StartedAt, j.FinishedAt, now)
		// Any job that has not ended can be cancelled; only a project's
		// failed import retried (a group import keeps no archive).
		j.Cancel = j.State == ferry.ImportScheduled || j.State == ferry.ExportQueued || j.State == ferry.ImportStarted
		j.Retry = j.Kind == store.JobImport && j.State == ferry.ImportFailed
	}
	return s.renderStatus(w, r, status, "admin", v)
}

// same reports whether j and o are the same job.
func (j adminJob) same(o adminJob) bool { return j.Kind == o.Kind && j.ID == o.ID }

// duration is how long a job ran (runs, while unfinished).
func duration(started, finished *time.Time, now time.Time) string {
	if started == nil {
		return ""
	}
	end := now
	if finished != nil {
		end = *finished
	}
	d := end.Sub(*started).Round(time.Second)
	if d == 0 {
		return "under 1s"
	}
	return d.String()
}

// jobKindPaths are the kinds of /admin/jobs/{kind}/...: the API's
// /ferry/jobs/{kind}/... (a job's kind, plural).
var jobKindPaths = []string{"imports", "exports", "group_imports", "group_exports"}

// jobAction is POST /admin/jobs/{kind}/{id}/{action}: retry or cancel.
func (s *Web) jobAction(w http.ResponseWriter, r *request) error {
	if err := requireAdminPage(r); err != nil {
		return err
	}
	kind, id, action := r.PathValue("kind"), r.PathValue("id"), r.PathValue("action")
	if _, err := strconv.ParseInt(id, 10, 64); err != nil || !slices.Contains(jobKindPaths, kind) ||
		(action != "retry" && action != "cancel") {
		return ferry.ErrNotFound
	}
	err := s.callAPI(r, http.MethodPost, "/api/v4/ferry/jobs/"+kind+"/"+id+"/"+action, url.Values{}, nil)
	var refused *apiRefusal
	if errors.As(err, &refused) {
		return s.adminPage(w, r, refused.Status, refused.Message)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r.Request, "/admin", http.StatusSeeOther)
	return nil
}

// settingField is one application setting on the form.
type settingField struct {
	Name, Label string
	Bool        bool
}

// settingFields are the import/export settings the form edits.
var settingFields = []settingField{
	{Name: "max_import_size", Label: "Maximum import size (MiB, 0 for no limit)"},
	{Name: "max_import_remote_file_size", Label: "Maximum remote file size for imports (MiB, 0 for no limit)"},
	{Name: "max_export_size", Label: "Maximum export size (MiB, 0 for no limit)"},
	{Name: "max_decompressed_archive_size", Label: "Maximum decompressed archive size (MiB, 0 for no limit)"},
	{Name: "decompress_archive_file_timeout", Label: "Archive decompression timeout (seconds)"},
	{Name: "project_import_limit", Label: "Imports per minute per user"},
	{Name: "project_export_limit", Label: "Exports per minute per user"},
	{Name: "project_download_export_limit", Label: "Export downloads per minute per user"},
	{Name: "group_import_limit", Label: "Group imports per minute per user"},
	{Name: "group_export_limit", Label: "Group exports per minute per user"},
	{Name: "group_download_export_limit", Label: "Group export downloads per minute per user and group"},
	{Name: "project_export_enabled", Label: "Project export enabled", Bool: true},
	{Name: "allow_local_requests_from_web_hooks_and_services", Label: "Allow requests to the local network", Bool: true},
}

// settingRow is a field with its value.
type settingRow struct {
	settingField
	Value string
}

// settingsView is /admin/application_settings.
type settingsView struct {
	Fields []settingRow
	Saved  bool
	Error  string
}

// settings is GET /admin/application_settings.
func (s *Web) settings(w http.ResponseWriter, r *request) error {
	if err := requireAdminPage(r); err != nil {
		return err
	}
	return s.settingsPage(w, r, http.StatusOK, settingsView{Saved: r.URL.Query().Get("saved") == "1"}, nil)
}

// settingsPage renders the form: the stored values, or typed (after a
// refusal).
func (s *Web) settingsPage(w http.ResponseWriter, r *request, status int, v settingsView, typed url.Values) error {
	var current map[string]any
	if err := s.callAPI(r, http.MethodGet, "/api/v4/application/settings", nil, &current); err != nil {
		return err
	}
	for _, f := range settingFields {
		value := fmt.Sprint(current[f.Name])
		if typed != nil {
			value = typed.Get(f.Name)
		}
		v.Fields = append(v.Fields, settingRow{settingField: f, Value: value})
	}
	return s.renderStatus(w, r, status, "admin_settings", v)
}

// updateSettings is POST /admin/application_settings: PUT
// /api/v4/application/settings with the form's fields.
func (s *Web) updateSettings(w http.ResponseWriter, r *request) error {
	if err := requireAdminPage(r); err != nil {
		return err
	}
	form := url.Values{}
	for _, f := range settingFields {
		if v, ok := r.PostForm[f.Name]; ok && len(v) > 0 {
			form.Set(f.Name, v[0])
		}
	}
	err := s.callAPI(r, http.MethodPut, "/api/v4/application/settings", form, nil)
	var refused *apiRefusal
	if errors.As(err, &refused) && refused.Status != http.StatusNotFound {
		return s.settingsPage(w, r, refused.Status, settingsView{Error: refused.Message}, form)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r.Request, "/admin/application_settings?saved=1", http.StatusSeeOther)
	return nil
}

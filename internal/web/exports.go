package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
)

// The export page, in the project's settings: /<p>/-/export shows the
// visitor's latest export and schedules one (POST, optionally with an
// upload URL); /<p>/-/export/status.json is its JSON for live updates;
// /<p>/download_export (the export's web_url) downloads the file for a
// signed-in visitor. Each calls the API's endpoint: GET and POST
// /projects/:id/export and the API's own download_export, with their
// access rules (Maintainer), rate limits and messages.

// exportStatus is the API's export status.
type exportStatus struct {
	ExportStatus string `json:"export_status"`
	Links        *struct {
		WebURL string `json:"web_url"`
	} `json:"_links"`
	ExportError  string          `json:"export_error"`
	UploadStatus string          `json:"upload_status"`
	UploadError  string          `json:"upload_error"`
	Progress     *ferry.Progress `json:"progress"`
}

// exportView is the export page.
type exportView struct {
	Status exportStatus
	// Download is the file's path on this server, "" until it is ready.
	Download string
	// Done: nothing more to follow (no export running or uploading).
	Done  bool
	URL   string
	Error string
}

// exportPath is the API path of r's project's export.
func exportPath(r *request) string {
	return "/api/v4/projects/" + strconv.FormatInt(r.project.ID, 10) + "/export"
}

// exportPage is /<p>/-/export, and /<p>/-/export/status.json its JSON.
func (s *Web) exportPage(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	switch r.rest {
	case "":
		return s.exportView(w, r, http.StatusOK, exportView{})
	case "status.json":
		var st exportStatus
		if err := s.callAPI(r, http.MethodGet, exportPath(r), nil, &st); err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, st)
	}
	return ferry.ErrNotFound
}

// exportView renders the page with the export's status.
func (s *Web) exportView(w http.ResponseWriter, r *request, status int, v exportView) error {
	if err := s.callAPI(r, http.MethodGet, exportPath(r), nil, &v.Status); err != nil {
		return err
	}
	st := v.Status
	if st.Links != nil {
		v.Download = "/" + r.project.FullPath() + "/download_export"
	}
	running := st.ExportStatus == ferry.ExportQueued || st.ExportStatus == ferry.ExportStarted ||
		st.ExportStatus == "regeneration_in_progress"
	uploading := st.UploadStatus == ferry.UploadPending || st.UploadStatus == ferry.UploadStarted
	v.Done = !running && !uploading
	return s.renderStatus(w, r, status, "export", v)
}

// scheduleExport is POST /<p>/-/export.
func (s *Web) scheduleExport(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	if r.rest != "" {
		return ferry.ErrNotFound
	}
	form := url.Values{}
	target := strings.TrimSpace(r.PostFormValue("upload_url"))
	if target != "" {
		form.Set("upload[url]", target)
		form.Set("upload[http_method]", r.PostFormValue("upload_method"))
	}
	err := s.callAPI(r, http.MethodPost, exportPath(r), form, nil)
	var refused *apiRefusal
	if errors.As(err, &refused) && refused.Status != http.StatusNotFound {
		return s.exportView(w, r, refused.Status, exportView{URL: target, Error: refused.Message})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r.Request, "/"+r.project.FullPath()+"/-/export", http.StatusSeeOther)
	return nil
}

// handOver answers /<p>/download_export and /<p>/uploads/... for a
// browser's session: the API's own download, for the signed-in visitor.
func (s *Web) handOver(w http.ResponseWriter, r *request) error {
	return s.download(w, r, r.URL.Path)
}

// download answers the API's file at path (its GET, for r's visitor),
// passing on the browser's conditional and range headers; the API's
// refusal is an error page.
func (s *Web) download(w http.ResponseWriter, r *request, path string) error {
	if s.api == nil {
		return errors.New("web: no API to act through (UseAPI)")
	}
	req, err := http.NewRequestWithContext(r.ctx(), http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	req.RemoteAddr = r.RemoteAddr
	for _, h := range []string{"Range", "If-Range", "If-None-Match", "If-Modified-Since"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	out := &passThrough{w: w}
	s.api(out, req, r.caller)
	if out.refused != nil {
		return &apiRefusal{Status: out.refused.status, Message: apiMessage(out.refused.body.Bytes())}
	}
	return nil
}

// passThrough passes the API's file through to the browser, keeping a
// refusal (status 400 and above) for the error page instead.
type passThrough struct {
	w       http.ResponseWriter
	refused *answer
}

func (d *passThrough) Header() http.Header {
	if d.refused != nil {
		return d.refused.header
	}
	return d.w.Header()
}

func (d *passThrough) WriteHeader(status int) {
	if status >= http.StatusBadRequest {
		d.refused = &answer{status: status, header: http.Header{}}
		return
	}
	d.w.WriteHeader(status)
}

func (d *passThrough) Write(b []byte) (int, error) {
	if d.refused != nil {
		return d.refused.body.Write(b)
	}
	return d.w.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (the file's
// write deadline).
func (d *passThrough) Unwrap() http.ResponseWriter { return d.w }

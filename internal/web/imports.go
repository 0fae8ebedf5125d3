package web

import (
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
)

// The import pages: /projects/new (GitLab's "New project"), the form of
// /import/gitlab_project/new ("Import project → GitLab export") posting
// a file to /import/gitlab_project or a URL to
// /import/gitlab_project/remote, and the page that follows an import,
// /<p>/-/import (its JSON for live updates at /<p>/-/import/status.json).
// The form runs POST /api/v4/projects/import and /projects/remote-import
// (see apicall.go); the status is GET /api/v4/projects/:id/import.

// importForm is the import page: where the visitor may import to, what
// they typed, and the API's refusal of it.
type importForm struct {
	Namespaces            []string
	Namespace, Path, Name string
	URL                   string
	Error                 string
}

// newProject is /projects/new.
func (s *Web) newProject(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	return s.render(w, r, "project_new", nil)
}

// importNew is /import/gitlab_project/new.
func (s *Web) importNew(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	f := importForm{Namespace: r.URL.Query().Get("namespace_id"), Path: r.URL.Query().Get("path"),
		Name: r.URL.Query().Get("name")}
	return s.importFormPage(w, r, http.StatusOK, f)
}

// importFormPage renders the form with the namespaces the visitor may
// create projects in: their own and the groups where they are Maintainer
// or above (what the import endpoint accepts).
func (s *Web) importFormPage(w http.ResponseWriter, r *request, status int, f importForm) error {
	var groups []struct {
		FullPath string `json:"full_path"`
	}
	if err := s.callAPI(r, http.MethodGet, "/api/v4/groups?min_access_level=40&per_page=100&order_by=path",
		nil, &groups); err != nil {
		return err
	}
	f.Namespaces = []string{r.user.Username}
	for _, g := range groups {
		f.Namespaces = append(f.Namespaces, g.FullPath)
	}
	return s.renderStatus(w, r, status, "import_new", f)
}

// importUpload is POST /import/gitlab_project: the file goes to the
// import endpoint as it arrives. A script's upload sends its CSRF token
// in a header, so the body reaches the endpoint unread; a plain form's
// body was read by the CSRF check (large files spooled to disk) and is
// streamed to the endpoint again.
func (s *Web) importUpload(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	req, err := http.NewRequestWithContext(r.ctx(), http.MethodPost, "/api/v4/projects/import", nil)
	if err != nil {
		return err
	}
	if r.MultipartForm == nil && r.PostForm == nil {
		req.Body, req.ContentLength = r.Body, r.ContentLength
		req.Header.Set("Content-Type", r.Header.Get("Content-Type"))
		return s.scheduled(w, r, req, importForm{})
	}
	body, contentType := reencodeForm(r)
	defer body.Close()
	req.Body = body
	req.Header.Set("Content-Type", contentType)
	return s.scheduled(w, r, req, formFields(r))
}

// importRemote is POST /import/gitlab_project/remote: an archive at a URL.
func (s *Web) importRemote(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	form := url.Values{}
	for _, k := range []string{"url", "path", "namespace", "name"} {
		if v := r.PostFormValue(k); v != "" {
			form.Set(k, v)
		}
	}
	req, err := http.NewRequestWithContext(r.ctx(), http.MethodPost, "/api/v4/projects/remote-import",
		strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.scheduled(w, r, req, formFields(r))
}

// scheduled relays an import request and answers: the import's page
// (303; JSON {"location"} to a script), or the form again with the
// API's message (JSON {"message"} to a script).
func (s *Web) scheduled(w http.ResponseWriter, r *request, req *http.Request, f importForm) error {
	var st struct {
		PathWithNamespace string `json:"path_with_namespace"`
	}
	err := s.relay(r, req, &st)
	script := strings.Contains(r.Header.Get("Accept"), "application/json")
	var refused *apiRefusal
	if errors.As(err, &refused) {
		if script {
			return writeJSON(w, refused.Status, map[string]string{"message": refused.Message})
		}
		f.Error = refused.Message
		return s.importFormPage(w, r, refused.Status, f)
	}
	if err != nil {
		return err
	}
	location := "/" + st.PathWithNamespace + "/-/import"
	if script {
		return writeJSON(w, http.StatusCreated, map[string]string{"location": location})
	}
	http.Redirect(w, r.Request, location, http.StatusSeeOther)
	return nil
}

// formFields is what the visitor typed, to fill the form again (a
// streamed upload's fields went to the API unread: its form comes back
// empty but for the error).
func formFields(r *request) importForm {
	return importForm{Namespace: r.FormValue("namespace"), Path: r.FormValue("path"), Name: r.FormValue("name"),
		URL: r.FormValue("url")}
}

// reencodeForm streams r's parsed form (its file from memory or the
// temporary file it spooled to) as a new multipart body, without the
// CSRF token.
func reencodeForm(r *request) (io.ReadCloser, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(writeForm(mw, r))
	}()
	return pr, mw.FormDataContentType()
}

func writeForm(mw *multipart.Writer, r *request) error {
	values := r.PostForm
	if r.MultipartForm != nil {
		values = r.MultipartForm.Value
	}
	for k, vs := range values {
		if k == csrfField {
			continue
		}
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				return err
			}
		}
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["file"] {
			if err := copyFile(mw, fh); err != nil {
				return err
			}
		}
	}
	return mw.Close()
}

func copyFile(mw *multipart.Writer, fh *multipart.FileHeader) error {
	src, err := fh.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := mw.CreateFormFile("file", fh.Filename)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	return err
}

// importStatus is GitLab's ProjectImportStatus as the API answers it.
type importStatus struct {
	ID                int64  `json:"id"`
	PathWithNamespace string `json:"path_with_namespace"`
	ImportStatus      string `json:"import_status"`
	ImportError       string `json:"import_error"`
	FailedRelations   []struct {
		RelationName     string `json:"relation_name"`
		ExceptionClass   string `json:"exception_class"`
		ExceptionMessage string `json:"exception_message"`
		LineNumber       int    `json:"line_number"`
	} `json:"failed_relations"`
	Stats    *ferry.ImportStats `json:"stats"`
	Progress *ferry.Progress    `json:"progress"`
}

// importView is the import page.
type importView struct {
	Status importStatus
	Stats  []statRow
	// Done: the import finished or failed, nothing more to follow.
	Done bool
}

// statRow is one relation's counts.
type statRow struct {
	Relation          string
	Fetched, Imported int64
}

// importPage is /<p>/-/import, and /<p>/-/import/status.json its JSON.
func (s *Web) importPage(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	path := "/api/v4/projects/" + strconv.FormatInt(r.project.ID, 10) + "/import"
	var st importStatus
	if err := s.callAPI(r, http.MethodGet, path, nil, &st); err != nil {
		return err
	}
	switch r.rest {
	case "status.json":
		return writeJSON(w, http.StatusOK, st)
	case "":
	default:
		return ferry.ErrNotFound
	}
	v := importView{Status: st, Done: st.ImportStatus == ferry.ImportFinished || st.ImportStatus == ferry.ImportFailed ||
		st.ImportStatus == ferry.ImportNone}
	if st.Stats != nil {
		for rel, n := range st.Stats.Fetched {
			v.Stats = append(v.Stats, statRow{Relation: rel, Fetched: n, Imported: st.Stats.Imported[rel]})
		}
		for rel, n := range st.Stats.Imported {
			if _, ok := st.Stats.Fetched[rel]; !ok {
				v.Stats = append(v.Stats, statRow{Relation: rel, Imported: n})
			}
		}
		sortStats(v.Stats)
	}
	return s.render(w, r, "import_status", v)
}

func sortStats(rows []statRow) {
	slices.SortFunc(rows, func(a, b statRow) int { return strings.Compare(a.Relation, b.Relation) })
}

// writeJSON answers v as JSON for the pages' scripts.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

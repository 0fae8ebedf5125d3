package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

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

// importUpload is POST /import/gitlab_project: the file goes on to the
// import endpoint as it arrives, never held here. A script sends the
// CSRF token in a header and its body goes on as it is; a plain form's
// token is its first field (streamPage), and its other parts go on in a
// new multipart body, one by one.
func (s *Web) importUpload(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	req, err := http.NewRequestWithContext(r.ctx(), http.MethodPost, "/api/v4/projects/import", nil)
	if err != nil {
		return err
	}
	if r.parts == nil && r.PostForm == nil {
		req.Body, req.ContentLength = r.Body, r.ContentLength
		req.Header.Set("Content-Type", r.Header.Get("Content-Type"))
		return s.scheduled(w, r, req, &typedFields{})
	}
	typed := &typedFields{}
	defer pipeForm(r, req, typed)()
	return s.scheduled(w, r, req, typed)
}

// pipeForm makes r's form the body of req, copied part by part as it
// arrives (copyForm), typed keeping the fields shown again. The returned
// func must run once req was answered: a refusal before the end stops
// the copy at its next write, and the body is touched no more once the
// handler returns.
func pipeForm(r *request, req *http.Request, typed *typedFields) (stop func()) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		pw.CloseWithError(copyForm(mw, r, typed))
	}()
	req.Body = pr
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return func() {
		pr.Close()
		<-copied
	}
}

// typedFields keeps the fields of a form as they pass, to fill the form
// again after a refusal.
type typedFields struct {
	mu     sync.Mutex
	fields url.Values
}

func (t *typedFields) set(name, value string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fields == nil {
		t.fields = url.Values{}
	}
	t.fields.Set(name, value)
}

// get is the field name as typed so far.
func (t *typedFields) get(name string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fields.Get(name)
}

// form is what was typed so far.
func (t *typedFields) form() importForm {
	t.mu.Lock()
	defer t.mu.Unlock()
	return importForm{Namespace: t.fields.Get("namespace"), Path: t.fields.Get("path"), Name: t.fields.Get("name"),
		URL: t.fields.Get("url")}
}

// copyForm writes r's form to mw: the parts after the CSRF token as they
// arrive, or the fields of a form without parts; typed keeps the fields
// the form shows.
func copyForm(mw *multipart.Writer, r *request, typed *typedFields) error {
	if r.parts == nil {
		for k, vs := range r.PostForm {
			for _, v := range vs {
				if k == csrfField {
					continue
				}
				typed.set(k, v)
				if err := mw.WriteField(k, v); err != nil {
					return err
				}
			}
		}
		return mw.Close()
	}
	for {
		part, err := r.parts.NextPart()
		if errors.Is(err, io.EOF) {
			return mw.Close()
		}
		if err != nil {
			return err
		}
		dst, err := mw.CreatePart(part.Header)
		if err != nil {
			return err
		}
		var src io.Reader = part
		if name := part.FormName(); part.FileName() == "" && slices.Contains(shownFields, name) {
			value, err := io.ReadAll(io.LimitReader(part, 4096))
			if err != nil {
				return err
			}
			typed.set(name, string(value))
			src = io.MultiReader(bytes.NewReader(value), part)
		}
		if _, err := io.Copy(dst, src); err != nil {
			return err
		}
	}
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
func (s *Web) scheduled(w http.ResponseWriter, r *request, req *http.Request, typed *typedFields) error {
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
		f := typed.form()
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

// shownFields are the fields the form shows again after a refusal.
var shownFields = []string{"namespace", "path", "name", "url", "parent_id"}

// formFields is what the visitor typed in a form read before its
// handler.
func formFields(r *request) *typedFields {
	t := &typedFields{}
	for _, name := range shownFields {
		t.set(name, r.FormValue(name))
	}
	return t
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
	var st importStatus
	path := "/api/v4/projects/" + strconv.FormatInt(r.project.ID, 10) + "/import"
	if answered, err := s.jobStatus(w, r, path, &st); answered || err != nil {
		return err
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

// jobStatus reads the status of an import or export, at the API path,
// into st for r's visitor. On the page's status.json it answers st for
// the page's script (answered); on the page itself it leaves the page to
// its handler; under any other path it is ferry.ErrNotFound.
func (s *Web) jobStatus(w http.ResponseWriter, r *request, path string, st any) (answered bool, err error) {
	if err := s.callAPI(r, http.MethodGet, path, nil, st); err != nil {
		return false, err
	}
	switch r.rest {
	case "status.json":
		return true, writeJSON(w, http.StatusOK, st)
	case "":
		return false, nil
	}
	return false, ferry.ErrNotFound
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

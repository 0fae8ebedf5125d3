package web_test

import (
	"bytes"
	"encoding/json"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// postFile posts the import form as a browser without JavaScript does:
// multipart, the CSRF token a field of the form.
func postFile(t *testing.T, env *servertest.Env, c *webtest.Client, fields map[string]string, data []byte) webtest.Response {
	t.Helper()
	return sendUpload(t, env, c, fields, data, asForm)
}

// How sendUpload sends the CSRF token.
const (
	asForm   = iota // the form's first field, as the page's form
	asScript        // in a header with JSON answers, as jobs.js
	asLast          // a field after the others
)

// sendUpload posts the import form with the CSRF token sent as mode.
func sendUpload(t *testing.T, env *servertest.Env, c *webtest.Client, fields map[string]string, data []byte, mode int) webtest.Response {
	t.Helper()
	return sendUploadTo(t, env, c, "/import/gitlab_project", fields, data, mode)
}

// sendUploadTo posts an upload form to path with the CSRF token sent as
// mode.
func sendUploadTo(t *testing.T, env *servertest.Env, c *webtest.Client, path string, fields map[string]string, data []byte, mode int) webtest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if mode == asForm {
		_ = mw.WriteField("authenticity_token", c.CSRF)
	}
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if mode == asLast {
		_ = mw.WriteField("authenticity_token", c.CSRF)
	}
	fw, _ := mw.CreateFormFile("file", "archive.tar.gz")
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, env.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if mode == asScript {
		req.Header.Set("X-CSRF-Token", c.CSRF)
		req.Header.Set("Accept", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	return webtest.Response{Status: resp.StatusCode, Header: resp.Header, Body: out.String()}
}

// TestImportForm_Refusals shows the import endpoint's refusals (GitLab's
// messages) on the form, from a plain form and from the script alike.
func TestImportForm_Refusals(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	if _, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("taken")}); err != nil {
		t.Fatal(err)
	}
	archive := webtest.FixtureArchive(t)
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	if page := c.Get("/import/gitlab_project/new"); page.Status != http.StatusOK ||
		!strings.Contains(page.Body, `<option value="root"`) {
		t.Fatalf("import form: %d %s", page.Status, page.Body)
	}
	for _, tt := range []struct {
		name       string
		fields     map[string]string
		data       []byte
		wantStatus int
		want       string
	}{
		{"UnknownNamespace", map[string]string{"path": "x", "namespace": "nope"}, archive, 404, "404 Namespace Not Found"},
		{"Taken", map[string]string{"path": "taken"}, archive, 400, "Name has already been taken"},
		{"NoPath", map[string]string{}, archive, 400, "path is missing"},
		{"TooLarge", map[string]string{"path": "big"}, bytes.Repeat([]byte("x"), 2<<20), 413, "Request Entity Too Large"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "TooLarge" {
				setMaxImportSize(t, env, 1)
				defer setMaxImportSize(t, env, 0)
			}
			c.Get("/import/gitlab_project/new")
			page := postFile(t, env, c, tt.fields, tt.data)
			if page.Status != tt.wantStatus || !strings.Contains(html.UnescapeString(page.Body), tt.want) ||
				!strings.Contains(page.Body, `data-testid="import-error"`) {
				t.Errorf("form: %d %s, want %d with %q", page.Status, page.Body, tt.wantStatus, tt.want)
			}
			if path := tt.fields["path"]; path != "" && !strings.Contains(page.Body, `value="`+path+`"`) {
				t.Errorf("the form lost the path typed: %s", page.Body)
			}
			scripted := sendUpload(t, env, c, tt.fields, tt.data, asScript)
			var answer struct{ Message string }
			if err := json.Unmarshal([]byte(scripted.Body), &answer); err != nil || scripted.Status != tt.wantStatus ||
				answer.Message != tt.want {
				t.Errorf("script: %d %s, want %d %q", scripted.Status, scripted.Body, tt.wantStatus, tt.want)
			}
		})
	}
	t.Run("Remote", func(t *testing.T) {
		c.Get("/import/gitlab_project/new")
		page := c.Post("/import/gitlab_project/remote", url.Values{"url": {"ftp://example.com/a.tar.gz"}, "path": {"r"}}, true)
		if page.Status < 400 || !strings.Contains(page.Body, `data-testid="import-error"`) {
			t.Errorf("remote import of an ftp URL: %d %s", page.Status, page.Body)
		}
	})
	t.Run("Accepted", func(t *testing.T) {
		c.Get("/import/gitlab_project/new")
		page := postFile(t, env, c, map[string]string{"path": "plain", "name": "Plain form"}, archive)
		if page.Status != http.StatusSeeOther || page.Header.Get("Location") != "/root/plain/-/import" {
			t.Fatalf("accepted form: %d %q %s", page.Status, page.Header.Get("Location"), page.Body)
		}
		status := c.Get("/root/plain/-/import/status.json")
		if status.Status != http.StatusOK || !strings.Contains(status.Body, `"import_status"`) {
			t.Errorf("status JSON: %d %s", status.Status, status.Body)
		}
	})
}

func setMaxImportSize(t *testing.T, env *servertest.Env, mib int64) {
	t.Helper()
	if _, _, err := env.Root.Settings.UpdateSettings(&gitlab.UpdateSettingsOptions{MaxImportSize: gitlab.Ptr(mib)}); err != nil {
		t.Fatal(err)
	}
}

// TestJobPages_CSRF refuses every form of these pages without its token.
func TestJobPages_CSRF(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("csrf")})
	if err != nil {
		t.Fatal(err)
	}
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	// A streamed form's token must be its first field.
	c.Get("/import/gitlab_project/new")
	late := sendUpload(t, env, c, map[string]string{"path": "late"}, []byte("x"), asLast)
	if late.Status != http.StatusUnprocessableEntity {
		t.Errorf("an upload whose token is not first: %d", late.Status)
	}
	for _, path := range []string{"/import/gitlab_project", "/import/gitlab_project/remote", "/" + p.PathWithNamespace + "/-/export",
		"/admin/application_settings", "/admin/jobs/imports/1/retry"} {
		if page := c.Post(path, url.Values{"path": {"x"}, "url": {"https://example.com/a.tar.gz"}}, false); page.Status != http.StatusUnprocessableEntity {
			t.Errorf("POST %s without the token: %d", path, page.Status)
		}
	}
	if exports, _, err := env.Root.ProjectImportExport.ExportStatus(p.ID); err != nil || exports.ExportStatus != "none" {
		t.Errorf("an export was scheduled without the token: %+v %v", exports, err)
	}
}

// TestJobPages_Access: administration is for administrators (others 404,
// as GitLab), a private project's export and import pages are 404 to
// others, and its export is theirs to download only.
func TestJobPages_Access(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("secret"),
		Visibility: gitlab.Ptr(gitlab.PrivateVisibility)})
	if err != nil {
		t.Fatal(err)
	}
	_, token := webtest.NewUser(t, env, "outsider")
	other := webtest.NewClient(t, env)
	other.SignIn(token)
	root := webtest.NewClient(t, env)
	root.SignIn(servertest.RootToken)
	anonymous := webtest.NewClient(t, env)
	for _, tt := range []struct {
		name   string
		c      *webtest.Client
		path   string
		status int
	}{
		{"AdminForUser", other, "/admin", 404},
		{"SettingsForUser", other, "/admin/application_settings", 404},
		{"AdminForAnonymous", anonymous, "/admin", 302},
		{"AdminForAdmin", root, "/admin", 200},
		{"SettingsForAdmin", root, "/admin/application_settings", 200},
		{"ExportForOther", other, "/" + p.PathWithNamespace + "/-/export", 404},
		{"ImportForOther", other, "/" + p.PathWithNamespace + "/-/import", 404},
		{"DownloadForOther", other, "/" + p.PathWithNamespace + "/download_export", 404},
		{"ExportForOwner", root, "/" + p.PathWithNamespace + "/-/export", 200},
		{"ImportForOwner", root, "/" + p.PathWithNamespace + "/-/import", 200},
		{"NewProjectForUser", other, "/projects/new", 200},
		{"NewProjectForAnonymous", anonymous, "/projects/new", 302},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if page := tt.c.Get(tt.path); page.Status != tt.status {
				t.Errorf("GET %s: %d, want %d", tt.path, page.Status, tt.status)
			}
		})
	}
	if page := other.Get("/" + p.PathWithNamespace + "/download_export"); !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
		t.Errorf("a refused download is not the error page: %s %s", page.Header.Get("Content-Type"), page.Body)
	}
	other.Get("/admin") // a page with the session's token
	if page := other.Post("/admin/jobs/imports/1/retry", nil, true); page.Status != http.StatusNotFound {
		t.Errorf("retry by a user: %d", page.Status)
	}
}

// TestAdmin_JobsAndSettings cancels and retries an import from /admin
// and saves the settings form, whose refusals are the API's messages.
func TestAdmin_JobsAndSettings(t *testing.T) {
	t.Parallel()
	env := servertest.StartWith(t, servertest.Options{NoWork: true})
	st, _, err := env.Root.ProjectImportExport.ImportFromFile(bytes.NewReader(webtest.FixtureArchive(t)),
		&gitlab.ImportFileOptions{Path: gitlab.Ptr("waiting")})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(st.ID, 10)
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	page := c.Get("/admin")
	if !strings.Contains(page.Body, `action="/admin/jobs/imports/`+id+`/cancel"`) {
		t.Fatalf("a scheduled import has no cancel button: %s", page.Body)
	}
	if resp := c.Post("/admin/jobs/imports/"+id+"/cancel", nil, true); resp.Status != http.StatusSeeOther {
		t.Fatalf("cancel: %d %s", resp.Status, resp.Body)
	}
	if got := importState(t, env, st.ID); got != "failed" {
		t.Fatalf("after cancel the import is %s", got)
	}
	later, _, err := env.Root.ProjectImportExport.ImportFromFile(bytes.NewReader(webtest.FixtureArchive(t)),
		&gitlab.ImportFileOptions{Path: gitlab.Ptr("later")})
	if err != nil {
		t.Fatal(err)
	}
	page = c.Get("/admin")
	if !strings.Contains(page.Body, `action="/admin/jobs/imports/`+id+`/retry"`) {
		t.Fatalf("a failed import has no retry button: %s", page.Body)
	}
	failedAt, laterAt := strings.Index(page.Body, `data-job="import-`+id+`"`),
		strings.Index(page.Body, `data-job="import-`+strconv.FormatInt(later.ID, 10)+`"`)
	if failedAt < 0 || laterAt < 0 || failedAt > laterAt || strings.Count(page.Body, `data-job="import-`+id+`"`) != 1 {
		t.Errorf("the failed import is not listed once, first (%d, newer scheduled one %d)", failedAt, laterAt)
	}
	if resp := c.Post("/admin/jobs/imports/"+id+"/cancel", nil, true); resp.Status < 400 ||
		!strings.Contains(resp.Body, "only a scheduled or started import can be cancelled") {
		t.Errorf("cancel a failed import: %d %s", resp.Status, resp.Body)
	}
	if resp := c.Post("/admin/jobs/imports/"+id+"/retry", nil, true); resp.Status != http.StatusSeeOther {
		t.Fatalf("retry: %d %s", resp.Status, resp.Body)
	}
	if got := importState(t, env, st.ID); got != "scheduled" {
		t.Errorf("after retry the import is %s", got)
	}

	c.Get("/admin/application_settings")
	resp := c.Post("/admin/application_settings", url.Values{"project_import_limit": {"7"}, "project_export_enabled": {"true"}}, true)
	if resp.Status != http.StatusSeeOther {
		t.Fatalf("save settings: %d %s", resp.Status, resp.Body)
	}
	if s, _, err := env.Root.Settings.GetSettings(); err != nil || s.ProjectImportLimit != 7 {
		t.Errorf("saved settings: %+v %v", s, err)
	}
	c.Get("/admin/application_settings")
	resp = c.Post("/admin/application_settings", url.Values{"max_import_size": {"lots"}}, true)
	if resp.Status != http.StatusBadRequest || !strings.Contains(resp.Body, "max_import_size is invalid") {
		t.Errorf("invalid setting: %d %s", resp.Status, resp.Body)
	}
}

func importState(t *testing.T, env *servertest.Env, id int64) string {
	t.Helper()
	st, _, err := env.Root.ProjectImportExport.ImportStatus(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.ImportStatus
}

// TestExportPage_Schedule schedules an export from the page and shows
// the export endpoint's refusals: its rate limit and a bad upload URL.
func TestExportPage_Schedule(t *testing.T) {
	t.Parallel()
	env := servertest.StartWith(t, servertest.Options{NoWork: true})
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("exported")})
	if err != nil {
		t.Fatal(err)
	}
	page := "/" + p.PathWithNamespace + "/-/export"
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	if got := c.Get(page); got.Status != http.StatusOK || !strings.Contains(got.Body, `data-testid="export-status"`) {
		t.Fatalf("export page: %d %s", got.Status, got.Body)
	}
	c.Get(page)
	if resp := c.Post(page, url.Values{"upload_url": {"ftp://example.com/x"}, "upload_method": {"PUT"}}, true); resp.Status != http.StatusBadRequest ||
		!strings.Contains(resp.Body, `data-testid="export-error"`) {
		t.Errorf("an ftp upload URL: %d %s", resp.Status, resp.Body)
	}
	// Two a minute: the refused URL above counted, as in GitLab (the limit
	// comes before the URL's check).
	if _, _, err := env.Root.Settings.UpdateSettings(&gitlab.UpdateSettingsOptions{ProjectExportLimit: gitlab.Ptr(int64(2))}); err != nil {
		t.Fatal(err)
	}
	c.Get(page)
	if resp := c.Post(page, nil, true); resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != page {
		t.Fatalf("schedule: %d %s", resp.Status, resp.Body)
	}
	if got := c.Get(page + "/status.json"); !strings.Contains(got.Body, `"export_status":"queued"`) {
		t.Errorf("status after scheduling: %s", got.Body)
	}
	resp := c.Post(page, nil, true)
	if resp.Status != http.StatusTooManyRequests ||
		!strings.Contains(resp.Body, "This endpoint has been requested too many times. Try again later.") {
		t.Errorf("over the rate limit: %d %s", resp.Status, resp.Body)
	}
}

// TestImportForm_RemoteURL: an administrator allows local requests on the
// settings page, then a user imports from an https URL on loopback
// through the form; the import's page follows it to finished. Before the
// setting, the same URL is refused with the API's message.
func TestImportForm_RemoteURL(t *testing.T) {
	t.Parallel()
	archive := webtest.FixtureArchive(t)
	source := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(archive)))
		if r.Method == http.MethodGet {
			_, _ = w.Write(archive)
		}
	}))
	t.Cleanup(source.Close)
	env := servertest.StartWith(t, servertest.Options{CAFile: servertest.CAFile(t, source)})
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	form := url.Values{"url": {source.URL + "/export.tar.gz"}, "path": {"remote"}, "namespace": {"root"}}

	c.Get("/import/gitlab_project/new")
	refused := c.Post("/import/gitlab_project/remote", form, true)
	if refused.Status < 400 || !strings.Contains(refused.Body, `data-testid="import-error"`) ||
		!strings.Contains(refused.Body, `value="remote"`) {
		t.Fatalf("a loopback URL with local requests refused: %d %s", refused.Status, refused.Body)
	}

	c.Get("/admin/application_settings")
	if resp := c.Post("/admin/application_settings", url.Values{"allow_local_requests_from_web_hooks_and_services": {"true"}},
		true); resp.Status != http.StatusSeeOther {
		t.Fatalf("allow local requests: %d %s", resp.Status, resp.Body)
	}
	c.Get("/import/gitlab_project/new")
	resp := c.Post("/import/gitlab_project/remote", form, true)
	if resp.Status != http.StatusSeeOther || resp.Header.Get("Location") != "/root/remote/-/import" {
		t.Fatalf("remote import: %d %s", resp.Status, resp.Body)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		page := c.Get("/root/remote/-/import")
		if strings.Contains(page.Body, `class="state-finished">finished<`) {
			if strings.Contains(page.Body, `http-equiv="refresh"`) {
				t.Errorf("a finished import's page still refreshes itself")
			}
			break
		}
		if strings.Contains(page.Body, "state-failed") || time.Now().After(deadline) {
			t.Fatalf("remote import did not finish: %s", page.Body)
		}
		if !strings.Contains(page.Body, `http-equiv="refresh"`) {
			t.Fatalf("a running import's page does not refresh without JavaScript: %s", page.Body)
		}
	}
}

// TestJobPages_ReadAPISession: a session opened with a read_api token
// reads the pages but changes nothing through them, as the token could
// not through the API.
func TestJobPages_ReadAPISession(t *testing.T) {
	t.Parallel()
	env := servertest.StartWith(t, servertest.Options{NoWork: true})
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("readonly")})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := env.Root.Users.CreatePersonalAccessToken(1, &gitlab.CreatePersonalAccessTokenOptions{
		Name: gitlab.Ptr("reader"), Scopes: &[]string{"read_api"}})
	if err != nil {
		t.Fatal(err)
	}
	c := webtest.NewClient(t, env)
	c.SignIn(tok.Token)
	page := "/" + p.PathWithNamespace + "/-/export"
	if got := c.Get(page); got.Status != http.StatusOK {
		t.Fatalf("export page with read_api: %d", got.Status)
	}
	const refused = "The request requires higher privileges than provided by the access token."
	for _, tt := range []struct {
		path string
		form url.Values
	}{
		{page, nil},
		{"/import/gitlab_project/remote", url.Values{"url": {"https://example.com/a.tar.gz"}, "path": {"x"}}},
		{"/admin/application_settings", url.Values{"project_import_limit": {"3"}}},
	} {
		c.Get("/admin")
		if resp := c.Post(tt.path, tt.form, true); resp.Status != http.StatusForbidden || !strings.Contains(resp.Body, refused) {
			t.Errorf("POST %s with a read_api session: %d %s", tt.path, resp.Status, resp.Body)
		}
	}
	if got := c.Get(page + "/status.json"); !strings.Contains(got.Body, `"export_status":"none"`) {
		t.Errorf("an export was scheduled with read_api: %s", got.Body)
	}
}

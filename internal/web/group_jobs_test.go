package web_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// exportedGroup creates the group path with a sub-group "web" and a
// label "bug" as root, exports it through the API and returns the group
// and its archive.
func exportedGroup(t *testing.T, env *servertest.Env, path string) (*gitlab.Group, []byte) {
	t.Helper()
	g := sourceGroup(t, env, path)
	if _, err := env.Root.GroupImportExport.ScheduleExport(g.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "group export", func() bool {
		return apiStatus(t, env, "/api/v4/ferry/groups/"+strconv.FormatInt(g.ID, 10)+"/export", "export_status") == "finished"
	})
	r, _, err := env.Root.GroupImportExport.ExportDownload(g.ID)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return g, data
}

// sourceGroup creates the group path with a sub-group "web" and a label
// "bug" as root.
func sourceGroup(t *testing.T, env *servertest.Env, path string) *gitlab.Group {
	t.Helper()
	g, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr(path), Path: gitlab.Ptr(path)})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("web"), Path: gitlab.Ptr("web"),
		ParentID: gitlab.Ptr(g.ID)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Root.GroupLabels.CreateGroupLabel(g.ID, &gitlab.CreateGroupLabelOptions{Name: gitlab.Ptr("bug"),
		Color: gitlab.Ptr("#d9534f")}); err != nil {
		t.Fatal(err)
	}
	return g
}

// apiStatus reads field of the JSON at the API path as root.
func apiStatus(t *testing.T, env *servertest.Env, path, field string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("PRIVATE-TOKEN", servertest.RootToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
	}
	s, _ := out[field].(string)
	return s
}

// waitFor polls done for up to 30 s.
func waitFor(t *testing.T, what string, done func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !done(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not finish", what)
		}
	}
}

// TestGroupImportForm_Upload imports a group export from /groups/new as
// a browser without JavaScript does (a streamed multipart form) and as
// the page's script does, under a parent chosen in the select, follows
// the import's page to its end, and shows the endpoint's refusals with
// the form as typed.
func TestGroupImportForm_Upload(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	_, archive := exportedGroup(t, env, "acme")
	parent, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("home"), Path: gitlab.Ptr("home")})
	if err != nil {
		t.Fatal(err)
	}
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	id := strconv.FormatInt(parent.ID, 10)
	if page := c.Get("/groups/new"); page.Status != http.StatusOK || !strings.Contains(page.Body, `<option value="`+id+`">home</option>`) {
		t.Fatalf("new group page: %d %s", page.Status, page.Body)
	}

	page := sendUploadTo(t, env, c, "/import/gitlab_group", map[string]string{"name": "Copy", "path": "copy", "parent_id": id}, archive, asForm)
	if got, want := page.Header.Get("Location"), "/groups/home/copy/-/import"; page.Status != http.StatusSeeOther || got != want {
		t.Fatalf("form: %d to %q, want 303 to %q: %s", page.Status, got, want, page.Body)
	}
	waitFor(t, "group import", func() bool {
		return strings.Contains(c.Get("/groups/home/copy/-/import/status.json").Body, `"import_status":"finished"`)
	})
	status := c.Get("/groups/home/copy/-/import")
	if status.Status != http.StatusOK || !strings.Contains(status.Body, `<td>labels</td><td>1</td>`) ||
		!strings.Contains(status.Body, `<td>groups</td><td>2</td>`) || strings.Contains(status.Body, "http-equiv") {
		t.Errorf("finished import page: %d %s", status.Status, status.Body)
	}
	if home := c.Get("/groups/home/copy"); !strings.Contains(home.Body, `href="/groups/home/copy/web"`) {
		t.Errorf("the imported group shows no sub-group: %s", home.Body)
	}

	c.Get("/groups/new")
	scripted := sendUploadTo(t, env, c, "/import/gitlab_group", map[string]string{"name": "Top", "path": "top"}, archive, asScript)
	if got, want := scripted.Body, `{"location":"/groups/top/-/import"}`; scripted.Status != http.StatusCreated || strings.TrimSpace(got) != want {
		t.Errorf("script: %d %s, want 201 %s", scripted.Status, got, want)
	}

	for _, tt := range []struct {
		name, path string
		wantStatus int
		want       string
	}{
		{"Taken", "copy", 400, "has already been taken"},
		{"EmptyPath", "", 400, `:path=>["can't be blank"]`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c.Get("/groups/new")
			fields := map[string]string{"name": "Again", "path": tt.path, "parent_id": id}
			page := sendUploadTo(t, env, c, "/import/gitlab_group", fields, archive, asForm)
			if page.Status != tt.wantStatus || !strings.Contains(html.UnescapeString(page.Body), tt.want) ||
				!strings.Contains(page.Body, `value="`+tt.path+`"`) || !strings.Contains(page.Body, `value="`+id+`" selected`) {
				t.Errorf("form: %d %s, want %d with %q and the form as typed", page.Status, page.Body, tt.wantStatus, tt.want)
			}
			scripted := sendUploadTo(t, env, c, "/import/gitlab_group", fields, archive, asScript)
			var answer struct{ Message string }
			if err := json.Unmarshal([]byte(scripted.Body), &answer); err != nil || scripted.Status != tt.wantStatus ||
				!strings.Contains(answer.Message, tt.want) {
				t.Errorf("script: %d %s, want %d %q", scripted.Status, scripted.Body, tt.wantStatus, tt.want)
			}
		})
	}
}

// TestGroupImportPage_Failed shows a failed import's error on its page.
func TestGroupImportPage_Failed(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	c.Get("/groups/new")
	page := sendUploadTo(t, env, c, "/import/gitlab_group", map[string]string{"name": "Bad", "path": "bad"}, []byte("not gzip"), asForm)
	if page.Status != http.StatusSeeOther {
		t.Fatalf("form: %d %s", page.Status, page.Body)
	}
	waitFor(t, "group import", func() bool {
		return strings.Contains(c.Get("/groups/bad/-/import/status.json").Body, `"import_status":"failed"`)
	})
	var st struct {
		ImportError string `json:"import_error"`
	}
	if err := json.Unmarshal([]byte(c.Get("/groups/bad/-/import/status.json").Body), &st); err != nil || st.ImportError == "" {
		t.Fatalf("failed import without error: %v", err)
	}
	if status := c.Get("/groups/bad/-/import"); !strings.Contains(status.Body, `data-field="import_error">`+html.EscapeString(st.ImportError)) {
		t.Errorf("failed import page does not show %q: %s", st.ImportError, status.Body)
	}
}

// TestGroupExportPage_Schedule schedules a group export from its page,
// follows it to the end and downloads it with the session; the export
// endpoint's rate limit is the page's refusal.
func TestGroupExportPage_Schedule(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	sourceGroup(t, env, "acme")
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	if home := c.Get("/groups/acme"); !strings.Contains(home.Body, `href="/groups/acme/-/export"`) {
		t.Errorf("the group page has no export link for its Owner: %s", home.Body)
	}
	page := c.Get("/groups/acme/-/export")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `data-testid="export-status" class="state-none"`) {
		t.Fatalf("export page: %d %s", page.Status, page.Body)
	}
	if got := c.Post("/groups/acme/-/export", nil, true); got.Status != http.StatusSeeOther ||
		got.Header.Get("Location") != "/groups/acme/-/export" {
		t.Fatalf("schedule: %d %s", got.Status, got.Body)
	}
	waitFor(t, "group export", func() bool {
		return strings.Contains(c.Get("/groups/acme/-/export/status.json").Body, `"export_status":"finished"`)
	})
	if page := c.Get("/groups/acme/-/export"); strings.Contains(page.Body, "data-testid=\"download-export\" hidden") {
		t.Errorf("a finished export has no download link: %s", page.Body)
	}
	file := c.Get("/groups/acme/-/download_export")
	if file.Status != http.StatusOK || !strings.HasPrefix(file.Body, "\x1f\x8b") {
		t.Errorf("download: %d %s", file.Status, file.Header)
	}

	if _, _, err := env.Root.Settings.UpdateSettings(&gitlab.UpdateSettingsOptions{GroupExportLimit: gitlab.Ptr(int64(1)),
		GroupDownloadExportLimit: gitlab.Ptr(int64(1))}); err != nil {
		t.Fatal(err)
	}
	c.Get("/groups/acme/-/export")
	refused := c.Post("/groups/acme/-/export", nil, true)
	if refused.Status != http.StatusTooManyRequests || !strings.Contains(refused.Body, `data-testid="export-error"`) {
		t.Errorf("rate-limited export: %d %s", refused.Status, refused.Body)
	}
	c.Get("/groups/acme/-/download_export")
	if again := c.Get("/groups/acme/-/download_export"); again.Status != http.StatusTooManyRequests ||
		!strings.HasPrefix(again.Header.Get("Content-Type"), "text/html") || !strings.Contains(again.Body, "This endpoint has been requested too many times") {
		t.Errorf("rate-limited download: %d %s", again.Status, again.Body)
	}
}

// TestGroupPages_CSRF: the group forms refuse a post without the token
// of their page, and nothing is scheduled.
func TestGroupPages_CSRF(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	g := sourceGroup(t, env, "acme")
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	c.Get("/groups/new")
	if late := sendUploadTo(t, env, c, "/import/gitlab_group", map[string]string{"name": "L", "path": "late"}, []byte("x"), asLast); late.Status != http.StatusUnprocessableEntity {
		t.Errorf("an upload whose token is not first: %d", late.Status)
	}
	for _, path := range []string{"/import/gitlab_group", "/groups/acme/-/export"} {
		if page := c.Post(path, url.Values{"name": {"x"}, "path": {"x"}}, false); page.Status != http.StatusUnprocessableEntity {
			t.Errorf("POST %s without the token: %d", path, page.Status)
		}
	}
	if got := apiStatus(t, env, "/api/v4/ferry/groups/"+strconv.FormatInt(g.ID, 10)+"/export", "export_status"); got != "none" {
		t.Errorf("an export was scheduled without the token: %s", got)
	}
	if _, resp, _ := env.Root.Groups.GetGroup("late", nil); resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("a group was imported without the token")
	}
}

// TestGroupPages_Access: the group's export, download and import pages
// are the API's: Owners only (403 to a Guest), 404 to those who cannot
// see the private group, sign-in for anonymous visitors.
func TestGroupPages_Access(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	g, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("secret"), Path: gitlab.Ptr("secret"),
		Visibility: gitlab.Ptr(gitlab.PrivateVisibility)})
	if err != nil {
		t.Fatal(err)
	}
	guestUser, guestToken := webtest.NewUser(t, env, "guest")
	if _, _, err := env.Root.GroupMembers.AddGroupMember(g.ID, &gitlab.AddGroupMemberOptions{UserID: gitlab.Ptr(guestUser.ID),
		AccessLevel: gitlab.Ptr(gitlab.GuestPermissions)}); err != nil {
		t.Fatal(err)
	}
	_, outsiderToken := webtest.NewUser(t, env, "outsider")
	clients := map[string]*webtest.Client{"anonymous": webtest.NewClient(t, env)}
	for name, token := range map[string]string{"guest": guestToken, "outsider": outsiderToken, "owner": servertest.RootToken} {
		clients[name] = webtest.NewClient(t, env)
		clients[name].SignIn(token)
	}
	for _, tt := range []struct {
		who, path string
		status    int
	}{
		{"anonymous", "/groups/new", 302},
		{"outsider", "/groups/new", 200},
		{"anonymous", "/groups/secret/-/export", 404},
		{"outsider", "/groups/secret/-/export", 404},
		{"guest", "/groups/secret/-/export", 403},
		{"owner", "/groups/secret/-/export", 200},
		{"guest", "/groups/secret/-/export/status.json", 403},
		{"outsider", "/groups/secret/-/download_export", 404},
		{"guest", "/groups/secret/-/download_export", 403},
		{"owner", "/groups/secret/-/download_export", 404}, // no export yet
		{"guest", "/groups/secret/-/import", 403},
		{"owner", "/groups/secret/-/import", 404}, // not imported
	} {
		t.Run(tt.who+tt.path, func(t *testing.T) {
			if page := clients[tt.who].Get(tt.path); page.Status != tt.status {
				t.Errorf("GET %s as %s: %d, want %d", tt.path, tt.who, page.Status, tt.status)
			}
		})
	}
	guest := clients["guest"]
	guest.Get("/groups/secret")
	if page := guest.Post("/groups/secret/-/export", nil, true); page.Status != http.StatusForbidden {
		t.Errorf("export by a Guest: %d", page.Status)
	}
	if home := guest.Get("/groups/secret"); strings.Contains(home.Body, "/-/export") {
		t.Errorf("a Guest sees the export link")
	}
}

// waitingGroupJobs asks env (a server without workers) for an export of
// a new group "acme" and an import into "copy", and returns both groups.
func waitingGroupJobs(t *testing.T, env *servertest.Env) (source, imported *gitlab.Group) {
	t.Helper()
	source = sourceGroup(t, env, "acme")
	if _, err := env.Root.GroupImportExport.ScheduleExport(source.ID); err != nil {
		t.Fatal(err)
	}
	return source, env.QueueGroupImport(t, "Copy", "copy")
}

// TestAdmin_CancelGroupJobs cancels a waiting group import and a queued
// group export from /admin, as a project's jobs are cancelled; a group
// import has no retry.
func TestAdmin_CancelGroupJobs(t *testing.T) {
	t.Parallel()
	env := servertest.StartWith(t, servertest.Options{NoWork: true})
	source, imported := waitingGroupJobs(t, env)
	c := webtest.NewClient(t, env)
	c.SignIn(servertest.RootToken)
	page := c.Get("/admin")
	importCancel := "/admin/jobs/group_imports/" + strconv.FormatInt(imported.ID, 10) + "/cancel"
	exportCancel := regexp.MustCompile(`/admin/jobs/group_exports/\d+/cancel`).FindString(page.Body)
	if !strings.Contains(page.Body, `action="`+importCancel+`"`) || exportCancel == "" {
		t.Fatalf("the waiting group jobs have no cancel buttons: %s", page.Body)
	}
	if strings.Contains(page.Body, "/admin/jobs/group_imports/"+strconv.FormatInt(imported.ID, 10)+"/retry") {
		t.Errorf("a waiting group import has a retry button")
	}
	for _, action := range []string{importCancel, exportCancel} {
		if resp := c.Post(action, nil, true); resp.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", action, resp.Status, resp.Body)
		}
	}
	if got := apiStatus(t, env, "/api/v4/ferry/groups/"+strconv.FormatInt(imported.ID, 10)+"/import", "import_status"); got != "failed" {
		t.Errorf("after cancel the group import is %s", got)
	}
	if got := apiStatus(t, env, "/api/v4/ferry/groups/"+strconv.FormatInt(source.ID, 10)+"/export", "export_status"); got != "failed" {
		t.Errorf("after cancel the group export is %s", got)
	}
	page = c.Get("/admin")
	if strings.Contains(page.Body, importCancel) || strings.Contains(page.Body, exportCancel) ||
		!strings.Contains(page.Body, "Import cancelled by an administrator") || !strings.Contains(page.Body, "Export cancelled by an administrator") {
		t.Errorf("the cancelled group jobs: %s", page.Body)
	}
	if resp := c.Post(importCancel, nil, true); resp.Status < 400 ||
		!strings.Contains(resp.Body, "only a scheduled or started import can be cancelled") {
		t.Errorf("cancel a failed group import: %d %s", resp.Status, resp.Body)
	}
	if resp := c.Post("/admin/jobs/groups/1/cancel", nil, true); resp.Status != http.StatusNotFound {
		t.Errorf("an unknown kind of job: %d", resp.Status)
	}
}

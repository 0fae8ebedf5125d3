package api_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// waitExport polls the export status until it is one of want, recording
// every status seen.
func waitExport(t *testing.T, c *gitlab.Client, pid any, want ...string) (*gitlab.ExportStatus, []string) {
	t.Helper()
	var seen []string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		st, _, err := c.ProjectImportExport.ExportStatus(pid)
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) == 0 || seen[len(seen)-1] != st.ExportStatus {
			seen = append(seen, st.ExportStatus)
		}
		for _, w := range want {
			if st.ExportStatus == w {
				return st, seen
			}
		}
	}
	t.Fatalf("export never reached %v; saw %v", want, seen)
	return nil, nil
}

// exportArchive exports project id with c and returns the archive.
func exportArchive(t *testing.T, c *gitlab.Client, id int64) []byte {
	t.Helper()
	if _, err := c.ProjectImportExport.ScheduleExport(int(id), nil); err != nil {
		t.Fatal(err)
	}
	waitExport(t, c, int(id), "finished")
	data, _, err := c.ProjectImportExport.ExportDownload(int(id))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// untar reads a .tar.gz into name → content.
func untar(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		if h.Typeflag == tar.TypeDir {
			b = nil
		}
		out[h.Name] = b
	}
}

func setAdmin(t *testing.T, env *servertest.Env, opt *gitlab.UpdateSettingsOptions) {
	t.Helper()
	if _, _, err := env.Root.Settings.UpdateSettings(opt); err != nil {
		t.Fatal(err)
	}
}

func TestProjectExport_ScheduleStatusDownload(t *testing.T) {
	t.Parallel()
	r := setupRoles(t)
	env, c := r.env, r.clients["maintainer"]
	pid := "grp/sub/proj"
	st, _, err := c.ProjectImportExport.ExportStatus(pid)
	if err != nil || st.ExportStatus != "none" || st.Links.APIURL != "" {
		t.Fatalf("before any export: %+v %v", st, err)
	}
	resp, err := c.ProjectImportExport.ScheduleExport(pid, &gitlab.ScheduleExportOptions{Description: gitlab.Ptr("exported copy")})
	if err != nil || resp.StatusCode != 202 {
		t.Fatalf("schedule: %v", err)
	}
	st, seen := waitExport(t, c, pid, "finished")
	for _, s := range seen {
		if s != "queued" && s != "started" && s != "finished" {
			t.Errorf("unexpected status %q in %v", s, seen)
		}
	}
	if st.ID != r.project.ID || st.PathWithNamespace != "grp/sub/proj" || st.NameWithNamespace != "Group / Sub / Proj" ||
		st.CreatedAt == nil || !st.CreatedAt.Equal(*r.project.CreatedAt) {
		t.Errorf("status fields %+v", st)
	}
	if want := env.URL + "/api/v4/projects/" + itoa(r.project.ID) + "/export/download"; st.Links.APIURL != want {
		t.Errorf("api_url %q, want %q", st.Links.APIURL, want)
	}
	if want := env.URL + "/grp/sub/proj/download_export"; st.Links.WebURL != want {
		t.Errorf("web_url %q, want %q", st.Links.WebURL, want)
	}

	data, resp, err := c.ProjectImportExport.ExportDownload(pid)
	if err != nil {
		t.Fatal(err)
	}
	disposition := resp.Header.Get("Content-Disposition")
	name := regexp.MustCompile(`^attachment; filename="(\d{4}-\d\d-\d\d_\d\d-\d\d-\d{3}_grp_sub_proj_export\.tar\.gz)"; filename\*=UTF-8''(.+)$`).
		FindStringSubmatch(disposition)
	if name == nil || name[1] != name[2] {
		t.Errorf("Content-Disposition %q", disposition)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/octet-stream" {
		t.Errorf("Content-Type %q", got)
	}
	if got := resp.Header.Get("Content-Length"); got != itoa(int64(len(data))) {
		t.Errorf("Content-Length %s for %d bytes", got, len(data))
	}
	checkArchive(t, r, data)
}

// checkArchive checks the layout, the tree and the bundle of an export of
// the roles project.
func checkArchive(t *testing.T, r *roles, data []byte) {
	t.Helper()
	files := untar(t, data)
	for _, name := range []string{"./", "./VERSION", "./GITLAB_VERSION", "./GITLAB_REVISION", "./tree/", "./tree/project/",
		"./tree/project.json", "./tree/project/project_members.ndjson", "./project.bundle", "./snippets/"} {
		if _, ok := files[name]; !ok {
			t.Errorf("archive lacks %s", name)
		}
	}
	if v := string(files["./VERSION"]); v != "0.2.4" {
		t.Errorf("VERSION %q", v)
	}
	var attrs map[string]any
	if err := json.Unmarshal(files["./tree/project.json"], &attrs); err != nil {
		t.Fatal(err)
	}
	if attrs["description"] != "exported copy" || attrs["visibility_level"] != 0.0 || attrs["default_branch"] != "main" {
		t.Errorf("project.json %v", attrs)
	}
	levels := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSpace(string(files["./tree/project/project_members.ndjson"])), "\n") {
		var m struct {
			AccessLevel float64 `json:"access_level"`
			SourceType  string  `json:"source_type"`
			User        struct {
				Username    string
				PublicEmail string `json:"public_email"`
			}
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("member line %q: %v", line, err)
		}
		if m.SourceType != "Project" {
			t.Errorf("member source_type %q", m.SourceType)
		}
		if m.User.PublicEmail != "" {
			t.Errorf("a maintainer's export shows %s's email", m.User.Username)
		}
		levels[m.User.Username] = m.AccessLevel
	}
	if levels["developer"] != 30 || levels["owner"] != 50 || levels["root"] != 50 {
		t.Errorf("exported members %v", levels)
	}
	dir := t.TempDir()
	bundle := filepath.Join(dir, "project.bundle")
	if err := os.WriteFile(bundle, files["./project.bundle"], 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := git(t, dir, "clone", "-q", "--mirror", bundle, "clone.git"); err != nil {
		t.Fatalf("clone bundle: %s", out)
	}
	got, _ := git(t, filepath.Join(dir, "clone.git"), "for-each-ref", "--format=%(objectname) %(refname)")
	want, _ := git(t, dir, "--git-dir="+r.env.Server.Repos.Dir(r.project.ID), "for-each-ref", "--format=%(objectname) %(refname)")
	if got != want || got == "" {
		t.Errorf("bundle refs\n%s\nwant\n%s", got, want)
	}
}

func TestProjectExport_WebDownloadAndRange(t *testing.T) {
	t.Parallel()
	r := setupRoles(t)
	setAdmin(t, r.env, &gitlab.UpdateSettingsOptions{ProjectDownloadExportLimit: gitlab.Ptr(int64(0))})
	c := r.clients["owner"]
	if _, err := c.ProjectImportExport.ScheduleExport(r.project.ID, nil); err != nil {
		t.Fatal(err)
	}
	st, _ := waitExport(t, c, r.project.ID, "finished")
	full, _, err := c.ProjectImportExport.ExportDownload(r.project.ID)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", st.Links.WebURL, nil)
	req.Header.Set("PRIVATE-TOKEN", r.tokens["owner"])
	req.Header.Set("Range", "bytes=10-")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rest, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(rest, full[10:]) {
		t.Errorf("resumed download: %d, %d bytes, want 206 and %d", resp.StatusCode, len(rest), len(full)-10)
	}
}

func TestProjectExport_Errors(t *testing.T) {
	t.Parallel()
	r := setupRoles(t)
	env := r.env
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectDownloadExportLimit: gitlab.Ptr(int64(0))})
	pub, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("pub"),
		Visibility: gitlab.Ptr(gitlab.PublicVisibility)})
	if err != nil {
		t.Fatal(err)
	}
	p := "/api/v4/projects/" + itoa(r.project.ID)
	form := "application/x-www-form-urlencoded"
	checkCalls(t, env, []apiCase{
		{"DeveloperSchedules", "POST", p + "/export", r.tokens["developer"], "", "", 403, `{"message":"403 Forbidden"}`},
		{"ReporterReadsStatus", "GET", p + "/export", r.tokens["reporter"], "", "", 403, `{"message":"403 Forbidden"}`},
		{"OutsiderSchedules", "POST", p + "/export", r.tokens["outsider"], "", "", 404, `{"message":"404 Project Not Found"}`},
		{"AnonymousPrivate", "POST", p + "/export", "", "", "", 404, `{"message":"404 Project Not Found"}`},
		{"AnonymousPublic", "POST", "/api/v4/projects/" + itoa(pub.ID) + "/export", "", "", "", 403, `{"message":"403 Forbidden"}`},
		{"LowercaseMethod", "POST", p + "/export", r.tokens["maintainer"], form, "upload[url]=http://example.com/x&upload[http_method]=put",
			400, `{"error":"upload[http_method] does not have a valid value"}`},
		{"FTPURL", "POST", p + "/export", r.tokens["maintainer"], form, "upload[url]=ftp://example.com/x", 400,
			`{"message":{"url":["is blocked: Only allowed schemes are http, https"]}}`},
		{"NotAURL", "POST", p + "/export", r.tokens["maintainer"], form, "upload[url]=not+a+url", 400,
			`{"message":{"url":["is blocked: Only allowed schemes are http, https"]}}`},
		{"NoHost", "POST", p + "/export", r.tokens["maintainer"], form, "upload[url]=https:///x", 400,
			`{"message":{"url":["is blocked: URI is invalid"]}}`},
		{"NoFile", "GET", p + "/export/download", r.tokens["maintainer"], "", "", 404, `{"message":"404 Not found or has expired"}`},
		{"NoFileWeb", "GET", "/grp/sub/proj/download_export", r.tokens["maintainer"], "", "", 404, `{"message":"404 Not found or has expired"}`},
	})

	setAdmin(t, env, &gitlab.UpdateSettingsOptions{MaxExportSize: gitlab.Ptr(int64(1))})
	big := make([]byte, 2<<20)
	for i := range big {
		big[i] = byte(i*7 + i/3)
	}
	if err := os.WriteFile(filepath.Join(env.Server.Repos.Dir(r.project.ID), "objects", "pack-filler"), big, 0o600); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, env, []apiCase{{"OverSize", "POST", p + "/export", r.tokens["owner"], "", "", 400,
		`{"message":"The project size exceeds the export limit."}`}})

	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectExportEnabled: gitlab.Ptr(false)})
	checkCalls(t, env, []apiCase{
		{"DisabledSchedule", "POST", p + "/export", r.tokens["owner"], "", "", 404, `{"message":"404 Not Found"}`},
		{"DisabledStatus", "GET", p + "/export", r.tokens["owner"], "", "", 404, `{"message":"404 Not Found"}`},
		{"DisabledDownload", "GET", p + "/export/download", r.tokens["owner"], "", "", 404, `{"message":"404 Not Found"}`},
	})
}

func TestProjectExport_RateLimits(t *testing.T) {
	t.Parallel()
	env := servertest.StartWith(t, servertest.Options{NoWork: true})
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectExportLimit: gitlab.Ptr(int64(2))})
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("limited")})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v4/projects/" + itoa(p.ID) + "/export"
	for i := 1; i <= 3; i++ {
		status, body, hdr := call(t, env, "POST", path, servertest.RootToken, "", "")
		if i <= 2 && status != 202 {
			t.Fatalf("request %d: %d %s", i, status, body)
		}
		if i == 3 {
			if status != 429 || body != `{"message":{"error":"This endpoint has been requested too many times. Try again later."}}` {
				t.Errorf("third request: %d %s", status, body)
			}
			if ra := hdr.Get("Retry-After"); ra == "" || ra == "0" {
				t.Errorf("Retry-After %q", ra)
			}
		}
	}
	// Two accepted requests while the first waits: one export, reused.
	exports, err := env.Server.DB.Exports(t.Context(), p.ID, 1)
	if err != nil || len(exports) != 1 || exports[0].Status != "queued" {
		t.Errorf("exports %+v %v, want one queued", exports, err)
	}
	st, _, _ := env.Root.ProjectImportExport.ExportStatus(p.ID)
	if st.ExportStatus != "queued" {
		t.Errorf("status %q, want queued", st.ExportStatus)
	}
}

func TestProjectExport_DownloadRateLimit(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("dl")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Root.ProjectImportExport.ScheduleExport(p.ID, nil); err != nil {
		t.Fatal(err)
	}
	waitExport(t, env.Root, p.ID, "finished")
	path := "/api/v4/projects/" + itoa(p.ID) + "/export/download"
	if status, _, _ := call(t, env, "GET", path, servertest.RootToken, "", ""); status != 200 {
		t.Fatalf("first download: %d", status)
	}
	if status, body, _ := call(t, env, "GET", path, servertest.RootToken, "", ""); status != 429 || !contains(body, "too many times") {
		t.Errorf("second download in the minute: %d %s", status, body)
	}
}

// uploadSink is a real HTTP server that records what an export upload
// sends.
type uploadSink struct {
	mu                          sync.Mutex
	method, ctype, length, path string
	body                        []byte
	status                      int
}

func (s *uploadSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.method, s.ctype, s.length, s.path, s.body = r.Method, r.Header.Get("Content-Type"), r.Header.Get("Content-Length"),
		r.URL.RequestURI(), b
	w.WriteHeader(s.status)
}

func TestProjectExport_Upload(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectDownloadExportLimit: gitlab.Ptr(int64(0))})
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("up"),
		InitializeWithReadme: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, method string
		allowLocal   bool
		sinkStatus   int
		wantUpload   string
		wantError    string
	}{
		{"PUT", "PUT", true, 200, "finished", ""},
		{"POST", "POST", true, 201, "finished", ""},
		{"RefusedBySink", "PUT", true, 403, "failed", "Error uploading the project. Code 403: Forbidden"},
		{"LocalBlocked", "PUT", false, 200, "failed", "is blocked: Requests to localhost are not allowed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sink := &uploadSink{status: tt.sinkStatus}
			ts := httptest.NewServer(sink)
			defer ts.Close()
			setAdmin(t, env, &gitlab.UpdateSettingsOptions{AllowLocalRequestsFromWebHooksAndServices: gitlab.Ptr(tt.allowLocal)})
			target := ts.URL + "/bucket/export.tar.gz?X-Amz-Signature=secret-signature"
			if _, err := env.Root.ProjectImportExport.ScheduleExport(p.ID, &gitlab.ScheduleExportOptions{
				Upload: gitlab.ScheduleExportUploadOptions{URL: gitlab.Ptr(target), HTTPMethod: gitlab.Ptr(tt.method)}}); err != nil {
				t.Fatal(err)
			}
			var status map[string]any
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				_, body, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(p.ID)+"/export", servertest.RootToken, "", "")
				status = decode(t, body)
				if us := status["upload_status"]; us == "finished" || us == "failed" {
					break
				}
			}
			if status["export_status"] != "finished" || status["upload_status"] != tt.wantUpload ||
				!contains(fmt.Sprint(status["upload_error"]), tt.wantError) {
				t.Fatalf("status %v", status)
			}
			if contains(fmt.Sprint(status["upload_error"]), "secret-signature") {
				t.Errorf("upload_error shows the URL's signature: %v", status["upload_error"])
			}
			if tt.wantUpload != "finished" {
				return
			}
			archive, _, err := env.Root.ProjectImportExport.ExportDownload(p.ID)
			if err != nil {
				t.Fatal(err)
			}
			// The last step is the upload, every byte sent.
			n := float64(len(archive))
			if pr, _ := status["progress"].(map[string]any); pr["step"] != "uploading" || pr["done_bytes"] != n ||
				pr["total_bytes"] != n {
				t.Errorf("progress %v, want uploading %d of %d bytes", status["progress"], len(archive), len(archive))
			}
			sink.mu.Lock()
			defer sink.mu.Unlock()
			if sink.method != tt.method || sink.ctype != "application/gzip" || sink.length != itoa(int64(len(archive))) ||
				sink.path != "/bucket/export.tar.gz?X-Amz-Signature=secret-signature" || !bytes.Equal(sink.body, archive) {
				t.Errorf("upload: %s %s type %q length %s, %d bytes (archive %d)", sink.method, sink.path, sink.ctype,
					sink.length, len(sink.body), len(archive))
			}
		})
	}
}

// TestProjectExport_SecretsStoredSealed pins that an upload URL (which may
// carry a pre-signed signature) is not stored in plain text.
func TestProjectExport_SecretsStoredSealed(t *testing.T) {
	t.Parallel()
	env := servertest.StartWith(t, servertest.Options{NoWork: true})
	p, _, _ := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("sealed")})
	if _, err := env.Root.ProjectImportExport.ScheduleExport(p.ID, &gitlab.ScheduleExportOptions{
		Upload: gitlab.ScheduleExportUploadOptions{URL: gitlab.Ptr("https://bucket.example/k?X-Amz-Signature=topsecret")}}); err != nil {
		t.Fatal(err)
	}
	exports, err := env.Server.DB.Exports(t.Context(), p.ID, 1)
	if err != nil || len(exports) != 1 {
		t.Fatalf("exports %v %v", exports, err)
	}
	if exports[0].UploadURL == "" || contains(exports[0].UploadURL, "topsecret") {
		t.Errorf("stored upload URL %q", exports[0].UploadURL)
	}
	rows, err := env.Server.DB.SQL().Query("SELECT CAST(args AS TEXT) FROM river_job")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var args string
		if err := rows.Scan(&args); err != nil {
			t.Fatal(err)
		}
		if contains(args, "topsecret") || contains(args, "bucket.example") {
			t.Errorf("job args hold the URL: %s", args)
		}
	}
}

func TestProjectExport_FailureIsReported(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("broken")})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(env.Server.Repos.Dir(p.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Root.ProjectImportExport.ScheduleExport(p.ID, nil); err != nil {
		t.Fatal(err)
	}
	waitExport(t, env.Root, p.ID, "failed")
	_, body, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(p.ID)+"/export", servertest.RootToken, "", "")
	if m := decode(t, body); !contains(fmt.Sprint(m["export_error"]), "not a git repository") || m["_links"] != nil {
		t.Errorf("failed status %s", body)
	}
	// A new request starts again from queued.
	if _, err := env.Root.ProjectImportExport.ScheduleExport(p.ID, nil); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := env.Root.ProjectImportExport.ExportStatus(p.ID); st.ExportStatus == "none" {
		t.Errorf("status after a new request: %s", st.ExportStatus)
	}
}

package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/generate"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// jobSeen is an item of GET /ferry/jobs.
type jobSeen struct {
	Kind    string `json:"kind"`
	ID      int64  `json:"id"`
	Project *struct {
		ID                int64  `json:"id"`
		PathWithNamespace string `json:"path_with_namespace"`
	} `json:"project"`
	Group *struct {
		ID       int64  `json:"id"`
		FullPath string `json:"full_path"`
	} `json:"group"`
	State        string          `json:"state"`
	UploadStatus *string         `json:"upload_status"`
	Progress     json.RawMessage `json:"progress"`
	Attempts     int             `json:"attempts"`
	Error        *string         `json:"error"`
	CreatedAt    time.Time       `json:"created_at"`
	StartedAt    *time.Time      `json:"started_at"`
	FinishedAt   *time.Time      `json:"finished_at"`
	User         *struct {
		Username string `json:"username"`
	} `json:"user"`
}

// listJobs reads GET /ferry/jobs?query as root.
func listJobs(t *testing.T, env *servertest.Env, query string) ([]jobSeen, map[string]string) {
	t.Helper()
	code, body, h := call(t, env, "GET", "/api/v4/ferry/jobs?"+query, servertest.RootToken, "", "")
	if code != 200 {
		t.Fatalf("jobs?%s: %d %s", query, code, body)
	}
	var jobs []jobSeen
	if err := json.Unmarshal([]byte(body), &jobs); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	headers := map[string]string{}
	for _, k := range []string{"X-Total", "X-Total-Pages", "X-Page", "X-Per-Page", "X-Next-Page", "X-Prev-Page"} {
		headers[k] = h.Get(k)
	}
	return jobs, headers
}

// jobAct posts an action on a job as root and returns its answer.
func jobAct(t *testing.T, env *servertest.Env, path string) (int, jobSeen, string) {
	t.Helper()
	code, body, _ := call(t, env, "POST", "/api/v4/ferry/jobs/"+path, servertest.RootToken, "", "")
	var j jobSeen
	if code == 201 {
		if err := json.Unmarshal([]byte(body), &j); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
	}
	return code, j, body
}

func names(jobs []jobSeen) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.Kind + ":" + j.Project.PathWithNamespace + ":" + j.State
	}
	return out
}

// Without workers, jobs stay as requested: two imports (one cancelled)
// and two exports, listed newest first with every filter and in pages.
func TestFerryJobs_ListFilterAndPages(t *testing.T) {
	t.Parallel()
	env := servertest.StartWith(t, servertest.Options{NoWork: true})
	data := fixtureArchive(t, "0.2.4", nil)
	ids := map[string]int64{}
	for _, path := range []string{"imp1", "imp2"} {
		code, body := importArchive(t, env, servertest.RootToken, "a.tar.gz", data, map[string]string{"path": path})
		if code != 201 {
			t.Fatalf("import: %d %s", code, body)
		}
		ids[path] = projectID(t, body)
	}
	if code, j, body := jobAct(t, env, "imports/"+itoa(ids["imp2"])+"/cancel"); code != 201 || j.State != "failed" ||
		j.Error == nil || *j.Error != ferry.ImportCancelled || j.FinishedAt == nil {
		t.Fatalf("cancel a scheduled import: %d %s", code, body)
	}
	for _, path := range []string{"exp1", "exp2"} {
		p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr(path)})
		if err != nil {
			t.Fatal(err)
		}
		ids[path] = p.ID
		if code, body, _ := call(t, env, "POST", "/api/v4/projects/"+itoa(p.ID)+"/export", servertest.RootToken, "", ""); code != 202 {
			t.Fatalf("export: %d %s", code, body)
		}
	}

	all, h := listJobs(t, env, "")
	want := []string{"export:root/exp2:queued", "export:root/exp1:queued", "import:root/imp2:failed", "import:root/imp1:scheduled"}
	if got := names(all); !slices.Equal(got, want) || h["X-Total"] != "4" {
		t.Fatalf("all jobs: %v (X-Total %s), want %v", got, h["X-Total"], want)
	}
	if j := all[3]; j.ID != ids["imp1"] || j.Project.ID != ids["imp1"] || j.User == nil || j.User.Username != "root" ||
		j.Error != nil || j.StartedAt != nil || j.FinishedAt != nil || j.UploadStatus != nil || j.Attempts != 0 {
		t.Errorf("a scheduled import: %+v", j)
	}
	if j := all[0]; j.UploadStatus == nil || *j.UploadStatus != "" || j.Project.ID != ids["exp2"] {
		t.Errorf("an export: %+v", j)
	}

	for _, c := range []struct {
		query string
		want  []string
	}{
		{"kind=import", want[2:]},
		{"kind=export", want[:2]},
		{"state=queued", want[:2]},
		{"state=failed", want[2:3]},
		{"state=scheduled&kind=import", want[3:]},
		{"state=scheduled&kind=export", []string{}},
		{"state=finished", []string{}},
		{"project_id=" + itoa(ids["exp1"]), want[1:2]},
		{"created_after=" + url.QueryEscape(all[2].CreatedAt.Format(time.RFC3339Nano)), want[:2]},
		{"created_before=" + url.QueryEscape(all[1].CreatedAt.Format(time.RFC3339Nano)), want[2:]},
		{"created_before=" + url.QueryEscape(all[3].CreatedAt.Format(time.RFC3339Nano)), []string{}},
	} {
		got, h := listJobs(t, env, c.query)
		if !slices.Equal(names(got), c.want) || h["X-Total"] != itoa(int64(len(c.want))) {
			t.Errorf("%s: %v (X-Total %s), want %v", c.query, names(got), h["X-Total"], c.want)
		}
	}

	page, h := listJobs(t, env, "per_page=1&page=2")
	if !slices.Equal(names(page), want[1:2]) || h["X-Total"] != "4" || h["X-Total-Pages"] != "4" ||
		h["X-Next-Page"] != "3" || h["X-Prev-Page"] != "1" {
		t.Errorf("page 2 of 1: %v %v", names(page), h)
	}
	if page, h := listJobs(t, env, "per_page=3&page=2"); !slices.Equal(names(page), want[3:]) || h["X-Next-Page"] != "" {
		t.Errorf("last page: %v %v", names(page), h)
	}
}

// The routes are an administrator's; their parameters and actions are
// checked with clear answers.
func TestFerryJobs_RefusedRequests(t *testing.T) {
	t.Parallel()
	env := servertest.StartWith(t, servertest.Options{NoWork: true})
	_, _, userToken := newUser(t, env, "operatorless")
	code, body := importArchive(t, env, servertest.RootToken, "a.tar.gz", fixtureArchive(t, "0.2.4", nil),
		map[string]string{"path": "imp"})
	if code != 201 {
		t.Fatalf("import: %d %s", code, body)
	}
	id := itoa(projectID(t, body))
	forbidden, unauthorized := `{"message":"403 Forbidden"}`, `{"message":"401 Unauthorized"}`
	checkCalls(t, env, []apiCase{
		{name: "ListAnonymous", method: "GET", path: "/api/v4/ferry/jobs", wantStatus: 401, wantBody: unauthorized},
		{name: "ListUser", method: "GET", path: "/api/v4/ferry/jobs", token: userToken, wantStatus: 403, wantBody: forbidden},
		{name: "RetryUser", method: "POST", path: "/api/v4/ferry/jobs/imports/" + id + "/retry", token: userToken,
			wantStatus: 403, wantBody: forbidden},
		{name: "CancelUser", method: "POST", path: "/api/v4/ferry/jobs/imports/" + id + "/cancel", token: userToken,
			wantStatus: 403, wantBody: forbidden},
		{name: "CancelExportAnonymous", method: "POST", path: "/api/v4/ferry/jobs/exports/1/cancel", wantStatus: 401,
			wantBody: unauthorized},
		{name: "BadKind", method: "GET", path: "/api/v4/ferry/jobs?kind=backup", token: servertest.RootToken,
			wantStatus: 400, wantBody: `{"error":"kind does not have a valid value"}`},
		{name: "BadState", method: "GET", path: "/api/v4/ferry/jobs?state=done", token: servertest.RootToken,
			wantStatus: 400, wantBody: `{"error":"state does not have a valid value"}`},
		{name: "BadDate", method: "GET", path: "/api/v4/ferry/jobs?created_after=yesterday", token: servertest.RootToken,
			wantStatus: 400, wantBody: `{"error":"created_after is invalid"}`},
		{name: "RetryUnknown", method: "POST", path: "/api/v4/ferry/jobs/imports/999999/retry", token: servertest.RootToken,
			wantStatus: 404, wantBody: `{"message":"404 Not Found"}`},
		{name: "RetryNotANumber", method: "POST", path: "/api/v4/ferry/jobs/imports/x/retry", token: servertest.RootToken,
			wantStatus: 404, wantBody: `{"message":"404 Not Found"}`},
		{name: "CancelUnknownExport", method: "POST", path: "/api/v4/ferry/jobs/exports/999999/cancel",
			token: servertest.RootToken, wantStatus: 404, wantBody: `{"message":"404 Not Found"}`},
		{name: "RetryScheduled", method: "POST", path: "/api/v4/ferry/jobs/imports/" + id + "/retry",
			token: servertest.RootToken, wantStatus: 409,
			wantBody: `{"message":"The import is scheduled: only a failed import can be retried"}`},
	})
	if code, j, body := jobAct(t, env, "imports/"+id+"/cancel"); code != 201 || j.State != "failed" {
		t.Fatalf("cancel: %d %s", code, body)
	}
	checkCalls(t, env, []apiCase{
		{name: "CancelFailed", method: "POST", path: "/api/v4/ferry/jobs/imports/" + id + "/cancel",
			token: servertest.RootToken, wantStatus: 409,
			wantBody: `{"message":"The import is failed: only a scheduled or started import can be cancelled"}`},
	})
	// A cancelled import kept its archive: it is queued again, once.
	if code, j, body := jobAct(t, env, "imports/"+id+"/retry"); code != 201 || j.State != "scheduled" || j.Error != nil {
		t.Fatalf("retry: %d %s", code, body)
	}
	checkCalls(t, env, []apiCase{
		{name: "RetryTwice", method: "POST", path: "/api/v4/ferry/jobs/imports/" + id + "/retry",
			token: servertest.RootToken, wantStatus: 409,
			wantBody: `{"message":"The import is scheduled: only a failed import can be retried"}`},
	})
}

// A failed import (its archive over the decompressed size limit) is
// retried from the archive it kept once the limit is raised, and
// finishes; an import whose archive is gone cannot be retried.
func TestFerryJobs_RetryFailedImport(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{MaxDecompressedArchiveSize: gitlab.Ptr(int64(1))})
	data := fixtureArchive(t, "0.2.4", map[string][]byte{"padding.bin": make([]byte, 2<<20)})
	code, body := importArchive(t, env, servertest.RootToken, "a.tar.gz", data, map[string]string{"path": "retried"})
	if code != 201 {
		t.Fatalf("import: %d %s", code, body)
	}
	id := projectID(t, body)
	first := waitImport(t, env, servertest.RootToken, id)
	if first.ImportStatus != "failed" {
		t.Fatalf("over the limit: %s %v", first.ImportStatus, deref(first.ImportError))
	}
	failed, _ := listJobs(t, env, "kind=import&state=failed")
	if len(failed) != 1 || failed[0].Error == nil || failed[0].Attempts != 1 || failed[0].StartedAt == nil ||
		failed[0].FinishedAt == nil {
		t.Fatalf("the failed import: %+v", failed)
	}

	setAdmin(t, env, &gitlab.UpdateSettingsOptions{MaxDecompressedArchiveSize: gitlab.Ptr(int64(0))})
	// The queued job wakes the workers at once: one may have taken it up
	// before the answer read it back.
	code, j, body := jobAct(t, env, "imports/"+itoa(id)+"/retry")
	if code != 201 || (j.State != "scheduled" && j.State != "started") || j.Error != nil || j.FinishedAt != nil {
		t.Fatalf("retry: %d %s", code, body)
	}
	if st := waitImport(t, env, servertest.RootToken, id); st.ImportStatus != "finished" ||
		st.CorrelationID == first.CorrelationID || len(st.FailedRelations) != 0 {
		t.Fatalf("retried: %s %v, correlation_id %s (was %s)", st.ImportStatus, deref(st.ImportError),
			st.CorrelationID, first.CorrelationID)
	}
	done, _ := listJobs(t, env, "kind=import&project_id="+itoa(id))
	if len(done) != 1 || done[0].State != "finished" || done[0].Attempts != 1 || done[0].FinishedAt == nil {
		t.Fatalf("the retried import: %+v", done)
	}
	if left, _ := filepath.Glob(filepath.Join(env.DataDir, "blobs", "imports", "*")); len(left) != 0 {
		t.Errorf("a finished import's archive is deleted: %v", left)
	}

	// A finished import's archive is deleted: were it failed, it could not
	// be retried.
	if _, err := env.Server.DB.SQL().Exec(`UPDATE project_imports SET status = 'failed' WHERE project_id = ` + itoa(id)); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, env, []apiCase{
		{name: "ArchiveGone", method: "POST", path: "/api/v4/ferry/jobs/imports/" + itoa(id) + "/retry",
			token: servertest.RootToken, wantStatus: 422,
			wantBody: `{"message":"The import's archive is no longer kept: import the archive again"}`},
	})
}

// Cancelling a running import stops its worker at its next check: the
// import fails with the administrator's message, its job is cancelled
// (not retried) and its work folder is gone.
func TestFerryJobs_CancelRunningImport(t *testing.T) {
	if testing.Short() {
		t.Skip("decompresses gigabytes")
	}
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0)),
		MaxDecompressedArchiveSize: gitlab.Ptr(int64(0))})
	code, body := importArchive(t, env, servertest.RootToken, "slow.tar.gz", slowArchive(t, 32), map[string]string{"path": "slow"})
	if code != 201 {
		t.Fatalf("import: %d %s", code, body)
	}
	id := itoa(projectID(t, body))
	for started := false; !started; time.Sleep(20 * time.Millisecond) {
		jobs, _ := listJobs(t, env, "kind=import")
		switch j := jobs[0]; j.State {
		case "finished", "failed":
			t.Fatalf("the import ended before it could be cancelled: %+v", j)
		case "started":
			started = string(j.Progress) != "null" && j.Progress != nil
		}
	}
	code, _, body = jobAct(t, env, "imports/"+id+"/cancel")
	if code != 201 {
		t.Fatalf("cancel: %d %s", code, body)
	}
	st := waitImport(t, env, servertest.RootToken, projectID(t, `{"id":`+id+`}`))
	if st.ImportStatus != "failed" || deref(st.ImportError) != ferry.ImportCancelled {
		t.Fatalf("cancelled: %s %q", st.ImportStatus, deref(st.ImportError))
	}
	if attempt, state := importJob(t, env); attempt != 1 || state != "cancelled" {
		t.Errorf("import job: attempt %d, state %s; want one attempt, cancelled", attempt, state)
	}
	if left, _ := filepath.Glob(filepath.Join(env.DataDir, "tmp", "*", "import-*")); len(left) != 0 {
		t.Errorf("work folders left: %v", left)
	}
	jobs, _ := listJobs(t, env, "state=failed")
	if len(jobs) != 1 || jobs[0].Error == nil || *jobs[0].Error != ferry.ImportCancelled || jobs[0].FinishedAt == nil {
		t.Errorf("the cancelled import: %+v", jobs)
	}
}

// A queued export is cancelled at once: it fails with the
// administrator's message, and its project's export status says so.
func TestFerryJobs_CancelQueuedExport(t *testing.T) {
	t.Parallel()
	env := servertest.StartWith(t, servertest.Options{NoWork: true})
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("exp")})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v4/projects/" + itoa(p.ID) + "/export"
	if code, body, _ := call(t, env, "POST", path, servertest.RootToken, "", ""); code != 202 {
		t.Fatalf("export: %d %s", code, body)
	}
	queued, _ := listJobs(t, env, "kind=export")
	if len(queued) != 1 || queued[0].State != "queued" {
		t.Fatalf("the export: %+v", queued)
	}
	id := itoa(queued[0].ID)
	code, j, body := jobAct(t, env, "exports/"+id+"/cancel")
	if code != 201 || j.State != "failed" || j.Error == nil || *j.Error != ferry.ExportCancelled || j.FinishedAt == nil {
		t.Fatalf("cancel: %d %s", code, body)
	}
	if _, body, _ := call(t, env, "GET", path, servertest.RootToken, "", ""); decode(t, body)["export_status"] != "failed" {
		t.Errorf("export status after a cancel: %s", body)
	}
	checkCalls(t, env, []apiCase{
		{name: "CancelTwice", method: "POST", path: "/api/v4/ferry/jobs/exports/" + id + "/cancel",
			token: servertest.RootToken, wantStatus: 409,
			wantBody: `{"message":"The export is failed: only a queued or started export can be cancelled"}`},
	})
}

// A cancel that reached a running job whose worker then died (River
// recorded cancel_attempted_at; the job went back to the queue) is
// honoured by the next worker: the import fails as cancelled, unrun.
func TestFerryJobs_CancelOutlivesItsWorker(t *testing.T) {
	t.Parallel()
	idle := servertest.StartWith(t, servertest.Options{NoWork: true})
	code, body := importArchive(t, idle, servertest.RootToken, "a.tar.gz", fixtureArchive(t, "0.2.4", nil),
		map[string]string{"path": "orphan"})
	if code != 201 {
		t.Fatalf("import: %d %s", code, body)
	}
	id := projectID(t, body)
	if _, err := idle.Server.DB.SQL().Exec(`UPDATE river_job SET metadata = '{"cancel_attempted_at":"2026-12-01T00:00:00Z"}'
		WHERE kind = 'project_import'`); err != nil {
		t.Fatal(err)
	}
	if err := idle.Server.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	env := servertest.StartWith(t, servertest.Options{DataDir: idle.DataDir, DatabaseURL: idle.DatabaseURL})
	st := waitImport(t, env, servertest.RootToken, id)
	if st.ImportStatus != "failed" || deref(st.ImportError) != ferry.ImportCancelled {
		t.Fatalf("a cancelled job run again: %s %q", st.ImportStatus, deref(st.ImportError))
	}
	if attempt, state := importJob(t, env); state != "cancelled" {
		t.Errorf("import job: attempt %d, state %s; want cancelled", attempt, state)
	}
}

// waitExportStarted waits until the newest export is started and
// returns it.
func waitExportStarted(t *testing.T, env *servertest.Env) jobSeen {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		jobs, _ := listJobs(t, env, "kind=export")
		switch export := jobs[0]; export.State {
		case "started":
			return export
		case "finished", "failed":
			t.Fatalf("the export ended before it was seen started: %+v", export)
		}
	}
	t.Fatal("the export never started")
	return jobSeen{}
}

// Cancelling a running export (an 80 MB repository keeps it running for
// a while) stops it at its next check: it fails with the administrator's
// message. Should an export win the race and finish first, the cancel is
// refused as for any ended job (409), and the next export is cancelled.
func TestFerryJobs_CancelRunningExport(t *testing.T) {
	if testing.Short() {
		t.Skip("exports an 80 MB repository")
	}
	t.Parallel()
	sc := generate.Scales["s"]
	sc.RepoBytes = 80 << 20
	var data bytes.Buffer
	if err := generate.Write(context.Background(), &data, sc, 1, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	env := servertest.Start(t)
	id := startImport(t, env, data.Bytes())
	if st := waitImport(t, env, servertest.RootToken, id); st.ImportStatus != "finished" {
		t.Fatalf("import: %s %v", st.ImportStatus, deref(st.ImportError))
	}
	// An export may finish before the cancel arrives (409): then the next
	// one is cancelled; a few tries are plenty for an 80 MB repository.
	var export jobSeen
	for try := 1; ; try++ {
		if code, body, _ := call(t, env, "POST", "/api/v4/projects/"+itoa(id)+"/export", servertest.RootToken, "", ""); code != 202 {
			t.Fatalf("export: %d %s", code, body)
		}
		export = waitExportStarted(t, env)
		code, _, body := jobAct(t, env, "exports/"+itoa(export.ID)+"/cancel")
		if code == 201 {
			break
		}
		if code != 409 || try == 5 {
			t.Fatalf("cancel (try %d): %d %s", try, code, body)
		}
	}
	for export.State == "started" {
		time.Sleep(20 * time.Millisecond)
		jobs, _ := listJobs(t, env, "kind=export")
		export = jobs[0]
	}
	if export.State != "failed" || export.Error == nil || *export.Error != ferry.ExportCancelled || export.FinishedAt == nil {
		t.Errorf("the cancelled export: %+v", export)
	}
	if left, _ := filepath.Glob(filepath.Join(env.DataDir, "tmp", "*", "export-*")); len(left) != 0 {
		t.Errorf("export scratch left: %v", left)
	}
}

// TestFerryJobs_GroupJobs pins that the operators' list shows group
// imports and exports beside the projects' (kind group_import or
// group_export, the group named, no project), filtered by kind and
// group_id (cancelling them: ferry_group_jobs_test.go).
func TestFerryJobs_GroupJobs(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	imported, st := groupImported(t, env, groupArchive(t, exportTree(t, "complex")), map[string]string{"path": "imported", "name": "Imported"})
	if st.ImportStatus != "finished" {
		t.Fatalf("group import: %+v", st)
	}
	code, body, _ := call(t, env, "POST", "/api/v4/groups/imported/export", servertest.RootToken, "", "")
	if code != 202 {
		t.Fatalf("group export: %d %s", code, body)
	}
	var export jobSeen
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		jobs, _ := listJobs(t, env, "kind=group_export")
		if len(jobs) == 1 && jobs[0].State == "finished" {
			export = jobs[0]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("group export never listed as finished: %+v", jobs)
		}
	}
	if export.Project != nil || export.Group == nil || export.Group.ID != imported.ID || export.Group.FullPath != "imported" ||
		export.User == nil || export.User.Username != "root" || export.FinishedAt == nil || export.Attempts != 1 {
		t.Errorf("group export job: %+v", export)
	}
	jobs, h := listJobs(t, env, "kind=group_import")
	if len(jobs) != 1 || h["X-Total"] != "1" {
		t.Fatalf("group imports: %+v %v", jobs, h)
	}
	if j := jobs[0]; j.ID != imported.ID || j.Project != nil || j.Group == nil || j.Group.FullPath != "imported" ||
		j.State != "finished" || j.FinishedAt == nil || j.Error != nil {
		t.Errorf("group import job: %+v", j)
	}
	if jobs, _ := listJobs(t, env, "group_id="+itoa(imported.ID)); len(jobs) != 2 || jobs[0].Kind != "group_export" || jobs[1].Kind != "group_import" {
		t.Errorf("the group's jobs, newest first: %+v", jobs)
	}
	if jobs, _ := listJobs(t, env, "kind=import"); len(jobs) != 0 {
		t.Errorf("project imports listed group ones: %+v", jobs)
	}
	if code, body, _ := call(t, env, "GET", "/api/v4/ferry/jobs?kind=groups", servertest.RootToken, "", ""); code != 400 {
		t.Errorf("an unknown kind: %d %s", code, body)
	}
}

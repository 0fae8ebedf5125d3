package api_test

import (
	"context"
	"errors"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// queueGroupJobs asks env (a server without workers) for a group import
// (path "imp") and an export of a new group ("exp"), and returns the
// imported group's id and the export's, both still waiting.
func queueGroupJobs(t *testing.T, env *servertest.Env) (importID, exportID int64) {
	t.Helper()
	if code, body := importGroup(t, env, servertest.RootToken, groupArchive(t, exportTree(t, "complex")),
		map[string]string{"path": "imp", "name": "Imp"}); code != 202 {
		t.Fatalf("group import: %d %s", code, body)
	}
	g, _, err := env.Root.Groups.GetGroup("imp", nil)
	if err != nil {
		t.Fatal(err)
	}
	exp, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Exp"), Path: gitlab.Ptr("exp")})
	if err != nil {
		t.Fatal(err)
	}
	if code, body, _ := call(t, env, "POST", "/api/v4/groups/"+itoa(exp.ID)+"/export", servertest.RootToken, "", ""); code != 202 {
		t.Fatalf("group export: %d %s", code, body)
	}
	exports, _ := listJobs(t, env, "kind=group_export")
	imports, _ := listJobs(t, env, "kind=group_import")
	if len(exports) != 1 || exports[0].State != "queued" || len(imports) != 1 || imports[0].State != "scheduled" {
		t.Fatalf("the group jobs: %+v %+v", imports, exports)
	}
	return g.ID, exports[0].ID
}

// A waiting group import or export is cancelled at once: it fails with
// the administrator's message, the import's archive is deleted (a group
// import keeps none once ended), and a second cancel is refused.
func TestFerryJobs_CancelWaitingGroupJobs(t *testing.T) {
	t.Parallel()
	env := servertest.StartWith(t, servertest.Options{NoWork: true})
	importID, exportID := queueGroupJobs(t, env)
	im, err := env.Server.DB.GroupImportOf(t.Context(), importID)
	if err != nil || im.UploadKey == "" {
		t.Fatalf("the group import's archive: %+v %v", im, err)
	}

	code, j, body := jobAct(t, env, "group_imports/"+itoa(importID)+"/cancel")
	if code != 201 || j.Kind != "group_import" || j.ID != importID || j.Group == nil || j.Group.FullPath != "imp" ||
		j.State != "failed" || j.Error == nil || *j.Error != ferry.ImportCancelled || j.FinishedAt == nil {
		t.Fatalf("cancel the group import: %d %s", code, body)
	}
	if st := waitGroupImport(t, env, importID); st.ImportStatus != "failed" || deref(st.ImportError) != ferry.ImportCancelled {
		t.Errorf("group import status after a cancel: %s %q", st.ImportStatus, deref(st.ImportError))
	}
	if obj, err := env.Server.Blobs.Open(t.Context(), im.UploadKey); !errors.Is(err, blob.ErrNotFound) {
		if err == nil {
			obj.Close()
		}
		t.Errorf("the cancelled group import's archive is kept: %v", err)
	}

	code, j, body = jobAct(t, env, "group_exports/"+itoa(exportID)+"/cancel")
	if code != 201 || j.Kind != "group_export" || j.ID != exportID || j.Group == nil || j.Group.FullPath != "exp" ||
		j.State != "failed" || j.Error == nil || *j.Error != ferry.ExportCancelled || j.FinishedAt == nil {
		t.Fatalf("cancel the group export: %d %s", code, body)
	}
	if code, body, _ := call(t, env, "GET", "/api/v4/groups/exp/export/download", servertest.RootToken, "", ""); code != 404 {
		t.Errorf("download of a cancelled group export: %d %s", code, body)
	}

	checkCalls(t, env, []apiCase{
		{name: "ImportCancelTwice", method: "POST", path: "/api/v4/ferry/jobs/group_imports/" + itoa(importID) + "/cancel",
			token: servertest.RootToken, wantStatus: 409,
			wantBody: `{"message":"The import is failed: only a scheduled or started import can be cancelled"}`},
		{name: "ExportCancelTwice", method: "POST", path: "/api/v4/ferry/jobs/group_exports/" + itoa(exportID) + "/cancel",
			token: servertest.RootToken, wantStatus: 409,
			wantBody: `{"message":"The export is failed: only a queued or started export can be cancelled"}`},
		{name: "NoSuchGroupImport", method: "POST", path: "/api/v4/ferry/jobs/group_imports/99999/cancel",
			token: servertest.RootToken, wantStatus: 404, wantBody: `{"message":"404 Not Found"}`},
		{name: "NoRetryOfAGroupImport", method: "POST", path: "/api/v4/ferry/jobs/group_imports/" + itoa(importID) + "/retry",
			token: servertest.RootToken, wantStatus: 404, wantBody: `{"error":"404 Not Found"}`},
	})
}

// A cancel that reached a running group job whose worker then died
// (River recorded cancel_attempted_at; the job went back to the queue) is
// honoured by the next worker: the import and the export fail as
// cancelled, unrun.
func TestFerryJobs_GroupCancelOutlivesItsWorker(t *testing.T) {
	t.Parallel()
	idle := servertest.StartWith(t, servertest.Options{NoWork: true})
	importID, exportID := queueGroupJobs(t, idle)
	if _, err := idle.Server.DB.SQL().Exec(`UPDATE river_job SET metadata = '{"cancel_attempted_at":"2026-12-01T00:00:00Z"}'
		WHERE kind IN ('group_import', 'group_export')`); err != nil {
		t.Fatal(err)
	}
	if err := idle.Server.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	env := servertest.StartWith(t, servertest.Options{DataDir: idle.DataDir, DatabaseURL: idle.DatabaseURL})
	st := waitGroupImport(t, env, importID)
	if st.ImportStatus != "failed" || deref(st.ImportError) != ferry.ImportCancelled || len(st.Stats) != 0 {
		t.Fatalf("a cancelled group import run again: %s %q %v", st.ImportStatus, deref(st.ImportError), st.Stats)
	}
	export := waitGroupJobEnded(t, env, "group_export")
	if export.ID != exportID || export.State != "failed" || deref(export.Error) != ferry.ExportCancelled {
		t.Errorf("a cancelled group export run again: %+v", export)
	}
	for _, kind := range []string{"group_import", "group_export"} {
		if _, state := queueJob(t, env, kind); state != "cancelled" {
			t.Errorf("%s job: %s; want cancelled", kind, state)
		}
	}
}

// waitGroupJobEnded waits until the newest job of kind has ended.
func waitGroupJobEnded(t *testing.T, env *servertest.Env, kind string) jobSeen {
	t.Helper()
	for deadline := time.Now().Add(importDeadline); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		jobs, _ := listJobs(t, env, "kind="+kind)
		if len(jobs) > 0 && (jobs[0].State == "finished" || jobs[0].State == "failed") {
			return jobs[0]
		}
	}
	t.Fatalf("the %s did not end", kind)
	return jobSeen{}
}

// Cancelling a running group import (its archive's gzip stream goes on
// with gigabytes of zeros, so its extraction takes seconds) stops it at
// its next check: it fails with the administrator's message and its
// queue job ends cancelled.
func TestFerryJobs_CancelRunningGroupImport(t *testing.T) {
	if testing.Short() {
		t.Skip("decompresses gigabytes")
	}
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{GroupImportLimit: gitlab.Ptr(int64(0)),
		MaxDecompressedArchiveSize: gitlab.Ptr(int64(0))})
	entries := []tarEntry{{name: "VERSION", body: "0.2.4"}}
	for name, body := range exportTree(t, "complex") {
		entries = append(entries, tarEntry{name: name, body: string(body)})
	}
	if code, body := importGroup(t, env, servertest.RootToken, slowArchiveOf(t, 8, entries...),
		map[string]string{"path": "slow", "name": "Slow"}); code != 202 {
		t.Fatalf("group import: %d %s", code, body)
	}
	g, _, err := env.Root.Groups.GetGroup("slow", nil)
	if err != nil {
		t.Fatal(err)
	}
	for started := false; !started; time.Sleep(10 * time.Millisecond) {
		switch jobs, _ := listJobs(t, env, "kind=group_import"); jobs[0].State {
		case "finished", "failed":
			t.Fatalf("the group import ended before it could be cancelled: %+v", jobs[0])
		case "started":
			started = true
		}
	}
	code, j, body := jobAct(t, env, "group_imports/"+itoa(g.ID)+"/cancel")
	if code != 201 || j.State != "started" {
		t.Fatalf("cancel: %d %s (a running import shows started until its worker stops)", code, body)
	}
	st := waitGroupImport(t, env, g.ID)
	if st.ImportStatus != "failed" || deref(st.ImportError) != ferry.ImportCancelled {
		t.Fatalf("cancelled: %s %q", st.ImportStatus, deref(st.ImportError))
	}
	if attempt, state := queueJob(t, env, "group_import"); attempt != 1 || state != "cancelled" {
		t.Errorf("group import job: attempt %d, state %s; want one attempt, cancelled", attempt, state)
	}
}

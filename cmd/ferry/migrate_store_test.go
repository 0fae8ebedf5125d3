package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/s3store/s3test"
	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestMigrateStore moves an embedded installation (SQLite and the data
// folder) to PostgreSQL and S3 and checks that everything is there:
// users and their tokens, projects, an import with its records, an export
// file, the repository, feature flags, and fresh ids for new rows.
func TestMigrateStore(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("needs PostgreSQL: set TEST_DATABASE_URL (.ci/run's second pass does)")
	}
	store := s3test.Start(t)
	ctx, data := context.Background(), t.TempDir()
	embedded := servertest.StartWith(t, servertest.Options{DataDir: data, DatabaseURL: filepath.Join(data, "ferry.db")})
	root := embedded.Root
	if _, _, err := root.Settings.UpdateSettings(&gitlab.UpdateSettingsOptions{ProjectDownloadExportLimit: gitlab.Ptr(int64(0))}); err != nil {
		t.Fatal(err)
	}
	ann, _, err := root.Users.CreateUser(&gitlab.CreateUserOptions{Email: gitlab.Ptr("ann@example.com"), Name: gitlab.Ptr("Ann"),
		Username: gitlab.Ptr("ann"), ForceRandomPassword: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := root.Users.CreatePersonalAccessToken(ann.ID, &gitlab.CreatePersonalAccessTokenOptions{
		Name: gitlab.Ptr("t"), Scopes: &[]string{"api"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := root.Features.SetFeatureFlag("import_project_from_remote_file_s3", &gitlab.SetFeatureFlagOptions{
		Value: false}); err != nil {
		t.Fatal(err)
	}
	p, _, err := root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("kept"), InitializeWithReadme: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.ProjectImportExport.ScheduleExport(p.ID, nil); err != nil {
		t.Fatal(err)
	}
	imp, _, err := root.ProjectImportExport.ImportFromFile(bytes.NewReader(scaleArchive(t)), &gitlab.ImportFileOptions{Path: gitlab.Ptr("imported")})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		st, _, _ := root.ProjectImportExport.ImportStatus(imp.ID)
		ex, _, _ := root.ProjectImportExport.ExportStatus(p.ID)
		return st.ImportStatus == "finished" && ex.ExportStatus == "finished"
	})
	archiveBefore, _, err := root.ProjectImportExport.ExportDownload(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var records, movedRecords int
	embedded.Server.DB.SQL().QueryRow(`SELECT count(*) FROM project_relations`).Scan(&records)
	issuesBefore := issueTotal(t, root, imp.ID)
	if err := embedded.Server.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	pg := storetest.URL(t)
	blobsURL := "s3://" + store.Bucket + "/ferry?region=" + s3test.Region + "&endpoint=" + store.Endpoint
	t.Setenv("FERRY_S3_ACCESS_KEY_ID", store.AccessKey)
	t.Setenv("FERRY_S3_SECRET_ACCESS_KEY", store.SecretKey)
	t.Setenv("FERRY_CA_FILE", store.CAFile)
	if err := migrateStore(ctx, []string{"--data", data, "--to", pg, "--blobs-to", blobsURL}); err != nil {
		t.Fatal(err)
	}
	if err := migrateStore(ctx, []string{"--data", data, "--to", pg}); err == nil {
		t.Error("a second migration into a store that is not empty succeeded")
	}

	moved := servertest.StartWith(t, servertest.Options{DataDir: data, DatabaseURL: pg, BlobsURL: blobsURL,
		BlobsKeys: [2]string{store.AccessKey, store.SecretKey}, CAFile: store.CAFile})
	if u, _, err := servertest.Client(t, moved.URL, tok.Token).Users.CurrentUser(); err != nil || u.Username != "ann" {
		t.Fatalf("ann's token after the move: %v %v", u, err)
	}
	st, _, err := moved.Root.ProjectImportExport.ImportStatus(imp.ID)
	if err != nil || st.ImportStatus != "finished" {
		t.Fatalf("import after the move: %v %v", st, err)
	}
	archiveAfter, _, err := moved.Root.ProjectImportExport.ExportDownload(p.ID)
	if err != nil || !bytes.Equal(archiveBefore, archiveAfter) {
		t.Fatalf("export file after the move: %d bytes, %v", len(archiveAfter), err)
	}
	moved.Server.DB.SQL().QueryRow(`SELECT count(*) FROM project_relations`).Scan(&movedRecords)
	if records == 0 || movedRecords != records {
		t.Errorf("%d relation records after the move, want %d", movedRecords, records)
	}
	if n := issueTotal(t, moved.Root, imp.ID); issuesBefore == 0 || n != issuesBefore {
		t.Errorf("%d issues listed after the move, want %d", n, issuesBefore)
	}
	if fs, _, err := moved.Root.Features.ListFeatures(); err != nil || len(fs) != 1 || fs[0].State != "off" {
		t.Errorf("feature flags after the move: %v %v", fs, err)
	}
	fresh, _, err := moved.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("fresh")})
	if err != nil || fresh.ID <= imp.ID {
		t.Fatalf("a new project after the move: %v %v", fresh, err)
	}
	if kept, _, err := moved.Root.Projects.GetProject("root/kept", nil); err != nil || kept.EmptyRepo {
		t.Errorf("repository after the move: %v %v", kept, err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out")
}

// issueTotal is how many issues project id's list has (X-Total).
func issueTotal(t *testing.T, c *gitlab.Client, id int64) int64 {
	t.Helper()
	_, resp, err := c.Issues.ListProjectIssues(id, &gitlab.ListProjectIssuesOptions{ListOptions: gitlab.ListOptions{PerPage: 1}})
	if err != nil {
		t.Fatalf("list issues: %v", err)
	}
	return resp.TotalItems
}

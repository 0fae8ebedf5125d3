package importer

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/jobs"
	"github.com/ferryhq/ferry/internal/repos"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// cleanupUser stores the user whose imports the tests clean up.
func cleanupUser(t *testing.T, db *store.DB) ferry.User {
	t.Helper()
	u := ferry.User{Username: "u", Name: "U", Email: "u@example.com"}
	if err := db.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

// cleanupImport stores project path of u with a scheduled import of the
// uploaded archive key.
func cleanupImport(t *testing.T, db *store.DB, u ferry.User, path, key string) ferry.Import {
	t.Helper()
	ctx := context.Background()
	p := ferry.Project{NamespaceID: u.NamespaceID, Name: path, Path: path, Visibility: ferry.Private,
		DefaultBranch: "main", CreatorID: u.ID}
	if err := db.CreateProject(ctx, &p); err != nil {
		t.Fatal(err)
	}
	im := ferry.Import{ProjectID: p.ID, UserID: u.ID, Source: ferry.SourceFile, UploadKey: key}
	if err := db.CreateImport(ctx, &im); err != nil {
		t.Fatal(err)
	}
	return im
}

func TestCleanup_FailsStuckImports(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	u := cleanupUser(t, db)
	var ids []int64
	for _, path := range []string{"stuck", "fresh"} {
		im := cleanupImport(t, db, u, path, "")
		ids = append(ids, im.ProjectID)
	}
	now := time.Now().Add(StuckAfter + time.Minute)
	w := &CleanupWorker{DB: db, Blobs: &blob.Local{Root: t.TempDir()}, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
	if err := w.Work(ctx, &river.Job[CleanupArgs]{}); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		im, _ := db.ImportOf(ctx, id)
		if im.Status != ferry.ImportFailed || im.Error != "Import timed out. Import took longer than 86400 seconds" {
			t.Errorf("import %d: %s %q", id, im.Status, im.Error)
		}
	}
	w.Now = time.Now
	if err := db.UpdateImport(ctx, &ferry.Import{ProjectID: ids[0], Status: ferry.ImportStarted}); err != nil {
		t.Fatal(err)
	}
	if err := w.Work(ctx, &river.Job[CleanupArgs]{}); err != nil {
		t.Fatal(err)
	}
	if im, _ := db.ImportOf(ctx, ids[0]); im.Status != ferry.ImportStarted {
		t.Errorf("an import that just moved was failed: %s", im.Status)
	}
}

// TestCleanup_DropsStuckOverwrites pins that a stuck overwriting import
// is not left failed at its temporary path: its temporary project goes,
// with a job removing its repositories and files, and the project it
// would have replaced stays.
func TestCleanup_DropsStuckOverwrites(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	workers := river.NewWorkers()
	river.AddWorker(workers, &repos.RemoveWorker{})
	client, err := jobs.Open(ctx, db, workers, jobs.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	u := ferry.User{Username: "u", Name: "U", Email: "u@example.com"}
	if err := db.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	ids := createProjects(t, db, u, "proj", "proj-0123abcd")
	im := ferry.Import{ProjectID: ids[1], UserID: u.ID, Source: ferry.SourceFile, OverwriteID: ids[0],
		OriginalName: "proj", OriginalPath: "proj"}
	if err := db.CreateImport(ctx, &im); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(StuckAfter + time.Minute)
	w := &CleanupWorker{DB: db, Blobs: &blob.Local{Root: t.TempDir()}, Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return now }, Enqueue: func(ctx context.Context, tx *store.Tx, args river.JobArgs) error {
			_, err := client.InsertTx(ctx, tx, args, nil)
			return err
		}}
	if err := w.Work(ctx, &river.Job[CleanupArgs]{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ProjectByID(ctx, ids[1]); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("the temporary project after the cleanup: %v, want it gone", err)
	}
	if _, err := db.ProjectByID(ctx, ids[0]); err != nil {
		t.Errorf("the project it would have replaced: %v", err)
	}
	removals, err := client.JobList(ctx, river.NewJobListParams().Kinds(repos.RemoveArgs{}.Kind()))
	if err != nil || len(removals.Jobs) != 1 {
		t.Errorf("removal jobs: %v %v, want one", removals, err)
	}
}

// createProjects creates private projects at paths in u's namespace and
// returns their ids.
func createProjects(t *testing.T, db *store.DB, u ferry.User, paths ...string) []int64 {
	t.Helper()
	var ids []int64
	for _, path := range paths {
		p := ferry.Project{NamespaceID: u.NamespaceID, Name: path, Path: path, Visibility: ferry.Private,
			DefaultBranch: "main", CreatorID: u.ID}
		if err := db.CreateProject(context.Background(), &p); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	return ids
}

// A failed import keeps its uploaded archive for a retry for
// ferry.FailedImportKeep; then the cleanup deletes it.
func TestCleanup_DropsKeptArchives(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	blobs := &blob.Local{Root: t.TempDir()}
	bw, err := blobs.Create(ctx, "imports/upload-x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bw.Write([]byte("archive")); err != nil || bw.Commit() != nil {
		t.Fatal(err)
	}
	im := cleanupImport(t, db, cleanupUser(t, db), "p", "imports/upload-x")
	im.Status, im.Error = ferry.ImportFailed, "broken"
	if err := db.UpdateImport(ctx, &im); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		after time.Duration
		kept  bool
	}{{time.Hour, true}, {ferry.FailedImportKeep + time.Minute, false}} {
		now := time.Now().Add(c.after)
		w := &CleanupWorker{DB: db, Blobs: blobs, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
		if err := w.Work(ctx, &river.Job[CleanupArgs]{}); err != nil {
			t.Fatal(err)
		}
		got, _ := db.ImportOf(ctx, im.ProjectID)
		obj, openErr := blobs.Open(ctx, "imports/upload-x")
		if obj != nil {
			obj.Close()
		}
		if kept := got.UploadKey != "" && openErr == nil; kept != c.kept {
			t.Errorf("after %s: archive kept %v (key %q, %v), want %v", c.after, kept, got.UploadKey, openErr, c.kept)
		}
	}
}

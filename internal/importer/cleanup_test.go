package importer

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

func TestCleanup_FailsStuckImports(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	u := ferry.User{Username: "u", Name: "U", Email: "u@example.com"}
	if err := db.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, path := range []string{"stuck", "fresh"} {
		p := ferry.Project{NamespaceID: u.NamespaceID, Name: path, Path: path, Visibility: ferry.Private,
			DefaultBranch: "main", CreatorID: u.ID}
		if err := db.CreateProject(ctx, &p); err != nil {
			t.Fatal(err)
		}
		im := ferry.Import{ProjectID: p.ID, UserID: u.ID, Source: ferry.SourceFile}
		if err := db.CreateImport(ctx, &im); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
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

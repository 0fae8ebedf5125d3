package importer

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestCleanup_FailsStuckGroupImports pins that a group import that has
// not moved for StuckAfter fails with GitLab's timeout message and loses
// its uploaded archive, and that a fresh one is left alone.
func TestCleanup_FailsStuckGroupImports(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	u := cleanupUser(t, db)
	blobs := &blob.Local{Root: t.TempDir()}
	g := ferry.Namespace{Name: "g", Path: "g", Visibility: ferry.Private}
	if err := db.CreateGroup(ctx, &g); err != nil {
		t.Fatal(err)
	}
	key := blob.ImportsPrefix + "/upload-stuck"
	bw, err := blobs.Create(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	bw.Write([]byte("x"))
	if err := bw.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateGroupImport(ctx, &ferry.GroupImport{GroupID: g.ID, UserID: u.ID, Status: ferry.ImportStarted, UploadKey: key}); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{time.Now(), time.Now().Add(StuckAfter + time.Minute)} {
		w := &CleanupWorker{DB: db, Blobs: blobs, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return at }}
		if err := w.Work(ctx, &river.Job[CleanupArgs]{}); err != nil {
			t.Fatal(err)
		}
	}
	im, err := db.GroupImportOf(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if im.Status != ferry.ImportFailed || !strings.HasPrefix(im.Error, "Import timed out") || im.UploadKey != "" {
		t.Errorf("stuck group import: %s %q %q", im.Status, im.Error, im.UploadKey)
	}
	if _, err := blobs.Open(ctx, key); err == nil {
		t.Error("the stuck import's archive is still stored")
	}
}

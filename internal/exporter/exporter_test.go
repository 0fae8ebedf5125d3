package exporter

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

func TestFilename(t *testing.T) {
	t.Parallel()
	at := time.Date(2017, 12, 5, 22, 11, 3, 148_000_000, time.UTC)
	for _, tt := range []struct{ path, want string }{
		{"gitlab-org/gitlab-test", "2017-12-05_22-11-148_gitlab-org_gitlab-test_export.tar.gz"},
		{"a-very-long-group-name/and-a-long-subgroup/project-name",
			"2017-12-05_22-11-148_a-very-long-group-name_and-a-l_export.tar.gz"},
	} {
		if got := Filename(at, tt.path); got != tt.want {
			t.Errorf("Filename(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
	if got := Filename(at, "grp/proj"); len(got) != len("2017-12-05_22-11-148_grp_proj_export.tar.gz") {
		t.Errorf("short path %q", got)
	}
}

func TestCleanup(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	blobs := &blob.Local{Root: t.TempDir()}
	u, p := newProject(t, db)
	now := time.Now().UTC()
	mk := func(status string, expires *time.Time) ferry.Export {
		e := ferry.Export{ProjectID: p.ID, UserID: u.ID}
		if err := db.CreateExport(ctx, &e); err != nil {
			t.Fatal(err)
		}
		e.Status, e.ExpiresAt = status, expires
		if status == ferry.ExportFinished {
			e.FileKey = "exports/1/" + itoa(e.ID) + "/f.tar.gz"
			w, _ := blobs.Create(ctx, e.FileKey)
			io.WriteString(w, "archive")
			w.Commit()
		}
		if err := db.UpdateExport(ctx, &e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	past, future := now.Add(-time.Minute), now.Add(time.Hour)
	expired := mk(ferry.ExportFinished, &past)
	fresh := mk(ferry.ExportFinished, &future)
	running := mk(ferry.ExportStarted, nil)

	w := &CleanupWorker{DB: db, Blobs: blobs, Logger: discard(), Now: func() time.Time { return now }}
	if err := w.Work(ctx, &river.Job[CleanupArgs]{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExportByID(ctx, expired.ID); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("expired export kept: %v", err)
	}
	if _, err := blobs.Open(ctx, expired.FileKey); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("expired file kept: %v", err)
	}
	if _, err := blobs.Open(ctx, fresh.FileKey); err != nil {
		t.Errorf("fresh file removed: %v", err)
	}
	if e, _ := db.ExportByID(ctx, running.ID); e.Status != ferry.ExportStarted {
		t.Errorf("a running export was touched: %s", e.Status)
	}

	w.Now = func() time.Time { return now.Add(StuckAfter + time.Minute) }
	if err := w.Work(ctx, &river.Job[CleanupArgs]{}); err != nil {
		t.Fatal(err)
	}
	if e, _ := db.ExportByID(ctx, running.ID); e.Status != ferry.ExportFailed || e.Error == "" {
		t.Errorf("stuck export: %s %q", e.Status, e.Error)
	}
}

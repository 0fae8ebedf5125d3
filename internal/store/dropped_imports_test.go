package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestStore_DroppedImports pins the record of a failed overwrite's
// removed project: it reads back as a failed import with its error and
// stats, outlives the project, and expires by its drop time.
func TestStore_DroppedImports(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	p := newProject(t, db, newUser(t, db, "alice"))
	p.Name = "wanted"
	im := ferry.Import{UserID: p.CreatorID, CorrelationID: "c1", Error: "Invalid bundle file",
		Stats: ferry.ImportStats{Fetched: map[string]int64{"issues": 3}, Imported: map[string]int64{"issues": 2}}}
	if err := db.RecordDroppedImport(ctx, ferry.DroppedImport{Project: p, Import: im}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	d, err := db.DroppedImportOf(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Project.ID != p.ID || d.Project.Name != "wanted" || d.Project.FullPath() != p.FullPath() ||
		d.Project.FullName() != "alice / wanted" || d.Import.Status != ferry.ImportFailed ||
		d.Import.Error != im.Error || d.Import.UserID != p.CreatorID || d.Import.CorrelationID != "c1" ||
		d.Import.Stats.Imported["issues"] != 2 || d.DroppedAt.IsZero() {
		t.Errorf("dropped import read back as %+v", d)
	}
	if n, err := db.DeleteDroppedImports(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("expiring older than an hour ago removed %d (%v), want 0", n, err)
	}
	if n, err := db.DeleteDroppedImports(ctx, time.Now().Add(time.Minute)); err != nil || n != 1 {
		t.Errorf("expiring everything removed %d (%v), want 1", n, err)
	}
	if _, err := db.DroppedImportOf(ctx, p.ID); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("an expired dropped import: %v, want ErrNotFound", err)
	}
}

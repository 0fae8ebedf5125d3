package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// ForgetImportSource clears the upload key and the remote source and
// nothing else: a status written since the caller read the import (an
// administrator's, say) stays.
func TestStore_ForgetImportSourceKeepsTheStatus(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	p := newProject(t, db, newUser(t, db, "alice"))
	im := ferry.Import{ProjectID: p.ID, UserID: p.CreatorID, Source: "s3", UploadKey: "imports/1/a.tar.gz",
		SourceData: "sealed"}
	if err := db.CreateImport(ctx, &im); err != nil {
		t.Fatal(err)
	}
	im.Status, im.Error = ferry.ImportFailed, "written meanwhile"
	if err := db.UpdateImport(ctx, &im); err != nil {
		t.Fatal(err)
	}
	if err := db.ForgetImportSource(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	got, err := db.ImportOf(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.UploadKey != "" || got.SourceData != "" || got.Status != ferry.ImportFailed || got.Error != "written meanwhile" {
		t.Errorf("after ForgetImportSource: key %q, source %q, status %q, error %q", got.UploadKey, got.SourceData,
			got.Status, got.Error)
	}
	if err := db.ForgetImportSource(ctx, p.ID+1000); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("the source of a missing import: %v, want ErrNotFound", err)
	}
}

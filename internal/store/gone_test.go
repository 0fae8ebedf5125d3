package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestStore_UpdatesOfDeletedRows pins that an update of a row deleted
// with its project answers ferry.ErrNotFound: a job must not take the
// update of an export or import that is gone for a saved one.
func TestStore_UpdatesOfDeletedRows(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	p := newProject(t, db, newUser(t, db, "alice"))
	e := ferry.Export{ProjectID: p.ID, UserID: p.CreatorID}
	if err := db.CreateExport(ctx, &e); err != nil {
		t.Fatal(err)
	}
	im := &ferry.Import{ProjectID: p.ID, UserID: p.CreatorID, Status: ferry.ImportScheduled}
	if err := db.CreateImport(ctx, im); err != nil {
		t.Fatal(err)
	}
	updates := []struct {
		name   string
		update func() error
	}{
		{"UpdateExport", func() error { return db.UpdateExport(ctx, &e) }},
		{"UpdateImport", func() error { return db.UpdateImport(ctx, im) }},
		{"RenameProject", func() error { return db.RenameProject(ctx, p.ID, "q", "q") }},
	}
	for _, tt := range updates {
		if err := tt.update(); err != nil {
			t.Fatalf("%s of a live row: %v", tt.name, err)
		}
	}
	if err := db.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	for _, tt := range updates {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.update(); !errors.Is(err, ferry.ErrNotFound) {
				t.Errorf("after the project's deletion: %v, want ErrNotFound", err)
			}
		})
	}
}

// TestStore_ChangesOfMissingRows pins that a delete, revoke or update of
// a row that does not exist answers ferry.ErrNotFound (the API's 404), not
// success.
func TestStore_ChangesOfMissingRows(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	const missing = 999999
	p := newProject(t, db, newUser(t, db, "alice"))
	changes := []struct {
		name   string
		change func() error
	}{
		{"DeleteUser", func() error { return db.DeleteUser(ctx, missing) }},
		{"DeleteGroup", func() error { return db.DeleteGroup(ctx, missing) }},
		{"DeleteProject", func() error { return db.DeleteProject(ctx, missing) }},
		{"UpdateProject", func() error { return db.UpdateProject(ctx, &ferry.Project{ID: missing, Name: "q", Path: "q"}) }},
		{"RevokeToken", func() error { return db.RevokeToken(ctx, missing) }},
		{"UpdateRelationRecord", func() error {
			return db.UpdateRelationRecord(ctx, p.ID, "issues", missing, []byte(`{}`))
		}},
	}
	for _, tt := range changes {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.change(); !errors.Is(err, ferry.ErrNotFound) {
				t.Errorf("%v, want ErrNotFound", err)
			}
		})
	}
}

package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestStore_GroupRecords pins the group record tables: records keep their
// order, a record bigger than a part comes back whole, appends go last,
// updates and deletes touch one record, a reset or the group's deletion
// leaves nothing.
func TestStore_GroupRecords(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	g := ferry.Namespace{Name: "Team", Path: "team", Visibility: ferry.Private}
	if err := db.CreateGroup(ctx, &g); err != nil {
		t.Fatal(err)
	}
	big := `{"title":"` + strings.Repeat("é", store.PartSize) + `"}`
	if err := db.InsertGroupRelationRecords(ctx, g.ID, "labels", 0, []string{`{"title":"a"}`, big}); err != nil {
		t.Fatal(err)
	}
	pos, err := db.AppendGroupRelationRecord(ctx, g.ID, "labels", []byte(`{"title":"c"}`))
	if err != nil || pos != 2 {
		t.Fatalf("append: position %d, %v; want 2", pos, err)
	}
	if pos, err := db.AppendGroupRelationRecord(ctx, g.ID, "badges", []byte(`{"name":"b"}`)); err != nil || pos != 0 {
		t.Fatalf("first append: position %d, %v; want 0", pos, err)
	}
	if err := db.SaveGroupAttributes(ctx, g.ID, `{"description":"d"}`); err != nil {
		t.Fatal(err)
	}
	read := func() []string {
		var got []string
		if err := db.EachGroupRelationRecord(ctx, g.ID, "labels", func(data []byte) error {
			got = append(got, string(data))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := read(); len(got) != 3 || got[0] != `{"title":"a"}` || got[1] != big || got[2] != `{"title":"c"}` {
		t.Fatalf("records: %d, want a, the big one, c", len(got))
	}
	if err := db.UpdateGroupRelationRecord(ctx, g.ID, "labels", 0, []byte(`{"title":"A"}`)); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteGroupRelationRecord(ctx, g.ID, "labels", 1); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteGroupRelationRecord(ctx, g.ID, "labels", 1); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
	if got := read(); len(got) != 2 || got[0] != `{"title":"A"}` || got[1] != `{"title":"c"}` {
		t.Errorf("after update and delete: %q", got)
	}
	if rec, err := db.GroupRelationRecordAt(ctx, g.ID, "labels", 2); err != nil || string(rec) != `{"title":"c"}` {
		t.Errorf("record at 2: %s, %v", rec, err)
	}
	if names, err := db.GroupRelationNames(ctx, g.ID); err != nil || strings.Join(names, ",") != "badges,labels" {
		t.Errorf("relation names %q, %v", names, err)
	}
	if attrs, err := db.GroupAttributes(ctx, g.ID); err != nil || string(attrs["description"]) != `"d"` {
		t.Errorf("attributes %v, %v", attrs, err)
	}
	if err := db.ResetGroupRecords(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if got := read(); len(got) != 0 {
		t.Errorf("after reset: %d records", len(got))
	}
	if attrs, err := db.GroupAttributes(ctx, g.ID); err != nil || attrs != nil {
		t.Errorf("attributes after reset %v, %v", attrs, err)
	}
	if _, err := db.AppendGroupRelationRecord(ctx, g.ID, "labels", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteGroup(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if names, err := db.GroupRelationNames(ctx, g.ID); err != nil || len(names) != 0 {
		t.Errorf("records outlived their group: %q, %v", names, err)
	}
}

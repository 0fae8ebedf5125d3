package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

func TestStore_RelationRecordsRewrite(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	u := newUser(t, db, "alice")
	p := ferry.Project{NamespaceID: u.NamespaceID, Name: "P", Path: "p", Visibility: ferry.Private, DefaultBranch: "main", CreatorID: u.ID}
	if err := db.CreateProject(ctx, &p); err != nil {
		t.Fatal(err)
	}
	// Record 1 is stored in parts; so is the one that replaces record 3.
	big := `{"n":1,"x":"` + strings.Repeat("é", store.PartSize) + `"}`
	var records []string
	for i := range 5 {
		records = append(records, fmt.Sprintf(`{"n":%d}`, i))
	}
	records[1] = big
	err := db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertRelationRecords(ctx, p.ID, "issues", 0, records); err != nil {
			return err
		}
		return tx.InsertRelationRecords(ctx, p.ID, "labels", 0, []string{`{"title":"x"}`})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		from      int64
		limit     int
		positions []int64
	}{
		{"FirstPage", 0, 2, []int64{0, 1}},
		{"MiddlePage", 2, 2, []int64{2, 3}},
		{"LastPageShort", 4, 2, []int64{4}},
		{"PastTheEnd", 5, 2, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page, err := db.RelationRecordsFrom(ctx, p.ID, "issues", tt.from, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, rec := range page {
				got = append(got, rec.Position)
				if want := records[rec.Position]; string(rec.Data) != want {
					t.Errorf("record %d is %.40s, want %.40s", rec.Position, rec.Data, want)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.positions) {
				t.Errorf("positions %v, want %v", got, tt.positions)
			}
		})
	}
	three := `{"n":"` + strings.Repeat("3", 2*store.PartSize) + `"}`
	if err := db.UpdateRelationRecord(ctx, p.ID, "issues", 3, []byte(three)); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateRelationRecord(ctx, p.ID, "issues", 1, []byte(`{"n":"one"}`)); err != nil {
		t.Fatal(err)
	}
	var all []string
	db.EachRelationRecord(ctx, p.ID, "issues", func(data []byte) error {
		all = append(all, string(data))
		return nil
	})
	if want := []string{`{"n":0}`, `{"n":"one"}`, `{"n":2}`, three, `{"n":4}`}; !slices.Equal(all, want) {
		t.Errorf("after the updates: %d records, %.60q, want %.60q", len(all), all, want)
	}
	if err := db.UpdateRelationRecord(ctx, p.ID, "issues", 9, []byte(`{}`)); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("update of a missing record: %v, want ErrNotFound", err)
	}
}

// TestStore_RecordUpdateKeepsRowID pins that an update keeps a record's
// row id (the id the API shows for a group's label, milestone, badge or
// board), whether the record or its replacement is stored in parts, and
// that GroupRelationRecordByID finds the record by that id.
func TestStore_RecordUpdateKeepsRowID(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	g := ferry.Namespace{Name: "Team", Path: "team", Visibility: ferry.Private}
	if err := db.CreateGroup(ctx, &g); err != nil {
		t.Fatal(err)
	}
	big := `{"title":"` + strings.Repeat("x", 2*store.PartSize+5) + `"}`
	for _, rec := range []string{`{"title":"a"}`, `{"title":"b"}`} {
		if _, err := db.AppendGroupRelationRecord(ctx, g.ID, "labels", []byte(rec)); err != nil {
			t.Fatal(err)
		}
	}
	ids := func() []int64 {
		var got []int64
		if err := db.EachGroupRelationRow(ctx, g.ID, "labels", func(id int64, _ []byte) error {
			got = append(got, id)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	before := ids()
	for _, data := range []string{big, `{"title":"small again"}`, `{"title":"é"}`} {
		if err := db.UpdateGroupRelationRecord(ctx, g.ID, "labels", 1, []byte(data)); err != nil {
			t.Fatal(err)
		}
		if got := ids(); !slices.Equal(got, before) {
			t.Fatalf("row ids %v after an update, want %v", got, before)
		}
		pos, rec, err := db.GroupRelationRecordByID(ctx, g.ID, "labels", before[1])
		if err != nil || pos != 1 || string(rec) != data {
			t.Fatalf("record %d: position %d, %.40s, %v; want 1, %.40s", before[1], pos, rec, err, data)
		}
	}
	if _, _, err := db.GroupRelationRecordByID(ctx, g.ID, "labels", before[1]+1000); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("missing id: %v, want ErrNotFound", err)
	}
	if err := db.UpdateGroupRelationRecord(ctx, g.ID, "labels", 7, []byte(`{}`)); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("update of a missing record: %v, want ErrNotFound", err)
	}
}

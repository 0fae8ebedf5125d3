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

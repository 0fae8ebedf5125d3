package store_test

import (
	"context"
	"errors"
	"fmt"
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
	var records [][]byte
	for i := range 5 {
		records = append(records, fmt.Appendf(nil, `{"n":%d}`, i))
	}
	err := db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertRelationRecords(ctx, p.ID, "issues", 0, records); err != nil {
			return err
		}
		return tx.InsertRelationRecords(ctx, p.ID, "labels", 0, [][]byte{[]byte(`{"title":"x"}`)})
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
				if want := fmt.Sprintf(`{"n":%d}`, rec.Position); string(rec.Data) != want {
					t.Errorf("record %d is %s, want %s", rec.Position, rec.Data, want)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.positions) {
				t.Errorf("positions %v, want %v", got, tt.positions)
			}
		})
	}
	if err := db.UpdateRelationRecord(ctx, p.ID, "issues", 3, []byte(`{"n":"three"}`)); err != nil {
		t.Fatal(err)
	}
	var all []string
	db.EachRelationRecord(ctx, p.ID, "issues", func(data []byte) error {
		all = append(all, string(data))
		return nil
	})
	if got, want := fmt.Sprint(all), `[{"n":0} {"n":1} {"n":2} {"n":"three"} {"n":4}]`; got != want {
		t.Errorf("after the update: %s, want %s", got, want)
	}
	if err := db.UpdateRelationRecord(ctx, p.ID, "issues", 9, []byte(`{}`)); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("update of a missing record: %v, want ErrNotFound", err)
	}
}

package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestStore_RelationRecordParts pins that a record bigger than PartSize
// is stored in parts and comes back whole, once, in order, with its
// multi-byte characters intact.
func TestStore_RelationRecordParts(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	u := newUser(t, db, "alice")
	p := newProject(t, db, u)
	// "é" is two bytes: with an odd prefix, a part boundary falls inside one.
	big := `{"d":"x` + strings.Repeat("é", store.PartSize) + `"}`
	records := []string{`{"a":1}`, big, `{}`, strings.Repeat("a", store.PartSize)} // the last fills one part
	err := db.Tx(ctx, func(tx *store.Tx) error {
		return tx.InsertRelationRecords(ctx, p.ID, "issues", 0, records)
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := db.EachRelationRecord(ctx, p.ID, "issues", func(data []byte) error {
		got = append(got, string(data))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(records) {
		t.Fatalf("%d records read, want %d", len(got), len(records))
	}
	for i := range records {
		if got[i] != records[i] {
			t.Errorf("record %d: %d bytes came back, want %d", i, len(got[i]), len(records[i]))
		}
	}
	var parts, ends int
	if err := db.EachRelationPart(ctx, p.ID, "issues", func(data []byte, end bool) error {
		if len(data) > store.PartSize || !utf8.Valid(data) {
			t.Errorf("part of %d bytes, valid UTF-8 %v", len(data), utf8.Valid(data))
		}
		parts++
		if end {
			ends++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if parts != 6 || ends != 4 {
		t.Errorf("%d parts, %d ends; want 6 parts (the big record in 3), 4 ends", parts, ends)
	}
}

// TestStore_RelationRecordsMany pins that records stored many to a
// statement (full statements, a shorter last one, a second call that
// continues the positions) come back once each, in order.
func TestStore_RelationRecordsMany(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	u := newUser(t, db, "alice")
	p := newProject(t, db, u)
	var records []string
	for i := range 300 {
		records = append(records, `{"n":`+strconv.Itoa(i)+`}`)
	}
	records[70] = `{"d":"` + strings.Repeat("y", 3*store.PartSize) + `"}` // parts that fill a statement alone
	err := db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertRelationRecords(ctx, p.ID, "notes", 0, records[:131]); err != nil {
			return err
		}
		return tx.InsertRelationRecords(ctx, p.ID, "notes", 131, records[131:])
	})
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	if err := db.EachRelationRecord(ctx, p.ID, "notes", func(data []byte) error {
		if i < len(records) && string(data) != records[i] {
			t.Errorf("record %d: got %.40q, want %.40q", i, data, records[i])
		}
		i++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if i != len(records) {
		t.Errorf("%d records read, want %d", i, len(records))
	}
}

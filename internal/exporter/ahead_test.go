package exporter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

func TestEachAhead(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	_, p := newProject(t, db)
	// 40 records of 200 KiB: eight batches, more than the reader may hold.
	var records []string
	for i := range 40 {
		records = append(records, fmt.Sprintf(`{"n":%d,"pad":"%s"}`, i, strings.Repeat("x", 200<<10)))
	}
	if err := db.Tx(ctx, func(tx *store.Tx) error { return tx.InsertRelationRecords(ctx, p.ID, "issues", 0, records) }); err != nil {
		t.Fatal(err)
	}
	w := &Worker{DB: db}
	stop := errors.New("stop")
	for _, tt := range []struct {
		name    string
		stopAt  int // fn fails at this record (-1: never)
		wantN   int
		wantErr error
	}{
		{"All", -1, 40, nil},
		{"StopsAtFirst", 0, 1, stop},
		{"StopsLate", 33, 34, stop},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			err := w.eachAhead(ctx, p.ID, "issues", func(data []byte) error {
				if string(data) != records[n] {
					t.Fatalf("record %d out of order", n)
				}
				n++
				if n-1 == tt.stopAt {
					return stop
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) || n != tt.wantN {
				t.Errorf("got %d records and %v, want %d and %v", n, err, tt.wantN, tt.wantErr)
			}
		})
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := w.eachAhead(cancelled, p.ID, "issues", func([]byte) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

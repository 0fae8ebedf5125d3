package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestStore_BulkWritesInATransaction pins the transaction's bulk path
// (a COPY on PostgreSQL): records and their index rows, NULLs and
// multi-byte text included, come back as written once committed, and a
// transaction that fails after them leaves none. On PostgreSQL big
// records are compressed with lz4.
func TestStore_BulkWritesInATransaction(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	u := newUser(t, db, "alice")
	p := newProject(t, db, u)
	records := []string{`{"iid":1,"title":"héllo"}`, `{"iid":2}`, `{"d":"` + strings.Repeat("ü", store.PartSize) + `"}`}
	at := "2020-01-01T00:00:00.000Z"
	rows := []store.Issuable{
		{ProjectID: p.ID, Kind: store.IssueKind, IID: 1, Position: 0, State: "opened", Title: "héllo, wörld",
			Description: "tab\there", AuthorID: u.ID, AssigneeIDs: []int64{u.ID}, Milestone: "v1", Labels: []string{"a", "b"},
			Confidential: true, CreatedAt: at, UpdatedAt: at, DueDate: "2021-01-01", UserNotes: 3, Upvotes: 1,
			Summary: store.IssuableSummary{ClosedAt: at, IssueType: "issue"}},
		{ProjectID: p.ID, Kind: store.IssueKind, IID: 2, Position: 1, State: "closed", Title: `back\slash "q"`,
			AssigneeIDs: []int64{}, Labels: []string{}, CreatedAt: at, UpdatedAt: at}, // no author, milestone, due date: NULLs
	}
	write := func(tx *store.Tx) error {
		if err := tx.InsertRelationRecords(ctx, p.ID, "issues", 0, records); err != nil {
			return err
		}
		return tx.InsertIssuables(ctx, rows)
	}

	failed := errors.New("the transaction fails after its writes")
	if err := db.Tx(ctx, func(tx *store.Tx) error {
		if err := write(tx); err != nil {
			return err
		}
		return failed
	}); !errors.Is(err, failed) {
		t.Fatalf("rolled back transaction: %v", err)
	}
	if got := readRecords(t, db, p.ID, "issues"); len(got) != 0 {
		t.Errorf("a rolled back transaction left %d records", len(got))
	}
	if got := listIssues(t, db, p.ID); len(got) != 0 {
		t.Errorf("a rolled back transaction left %d index rows", len(got))
	}

	if err := db.Tx(ctx, write); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(records, readRecords(t, db, p.ID, "issues")); diff != "" {
		t.Errorf("records (-written +read):\n%.2000s", diff)
	}
	if db.Dialect() == store.Postgres { // migration 0025
		var method string
		if err := db.SQL().QueryRowContext(ctx, `SELECT pg_column_compression(data) FROM project_relations
			WHERE project_id = $1 AND position = 2 AND part = 0`, p.ID).Scan(&method); err != nil || method != "lz4" {
			t.Errorf("a big record is compressed with %q (%v), want lz4", method, err)
		}
	}
	got := listIssues(t, db, p.ID)
	for i := range got {
		got[i].ID = 0
	}
	want := []store.Issuable{rows[1], rows[0]} // newest first, then by id
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("index rows (-written +read):\n%s", diff)
	}
}

func readRecords(t *testing.T, db *store.DB, projectID int64, relation string) []string {
	t.Helper()
	var got []string
	if err := db.EachRelationRecord(context.Background(), projectID, relation, func(data []byte) error {
		got = append(got, string(data))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func listIssues(t *testing.T, db *store.DB, projectID int64) []store.Issuable {
	t.Helper()
	got, _, err := db.ListIssuables(context.Background(), store.IssuableFilter{Kind: store.IssueKind, ProjectID: projectID,
		Admin: true, Page: store.Page{Number: 1, PerPage: 20}})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

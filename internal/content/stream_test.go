package content

import (
	"context"
	"errors"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// relationRows stores records as relation of a new project and returns
// the project and the records' row ids.
func relationRows(t *testing.T, db *store.DB, relation string, records ...string) (ferry.Project, []int64) {
	t.Helper()
	ctx := context.Background()
	u := ferry.User{Username: "alice", Name: "alice", Email: "alice@example.com"}
	if err := db.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	p := ferry.Project{NamespaceID: u.NamespaceID, Name: "p", Path: "p", Visibility: ferry.Private,
		DefaultBranch: "main", CreatorID: u.ID}
	if err := db.CreateProject(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if err := db.Tx(ctx, func(tx *store.Tx) error {
		return tx.InsertRelationRecords(ctx, p.ID, relation, 0, records)
	}); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if err := db.EachRelationRow(ctx, p.ID, relation, func(id int64, _ []byte) error {
		ids = append(ids, id)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return p, ids
}

// TestContent_GetByIDDecodesOneRecord pins that a get by id decodes only
// the record it shows: a record beside it that does not decode is no
// concern of it, and an id the relation lacks is not found.
func TestContent_GetByIDDecodesOneRecord(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	p, ids := relationRows(t, db, "project_badges", `{"name":`, `{"name":"ci","link_url":"https://ci"}`)
	r := New(db, "https://ferry.example")
	b, err := r.Badge(ctx, p, ids[1])
	if err != nil || b.ID != ids[1] || b.Name == nil || *b.Name != "ci" || b.LinkURL != "https://ci" {
		t.Fatalf("Badge(%d) = %+v, %v", ids[1], b, err)
	}
	if _, err := r.Badge(ctx, p, ids[1]+100); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("Badge of a missing id: %v, want not found", err)
	}
	if _, err := r.Badge(ctx, p, ids[0]); err == nil {
		t.Error("Badge of a record that does not decode: no error")
	}
}

// TestContent_UnfilteredPageDecodesThePage pins that an unfiltered list
// decodes only its page's records yet counts them all.
func TestContent_UnfilteredPageDecodesThePage(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	p, _ := relationRows(t, db, "protected_tags", `{"name":`, `{"name":"v1"}`, `{"name":"v2"}`)
	r := New(db, "https://ferry.example")
	tags, total, err := r.ProtectedTags(ctx, p, store.Page{Number: 2, PerPage: 1})
	if err != nil || total != 3 || len(tags) != 1 || tags[0].Name != "v1" {
		t.Fatalf("ProtectedTags page 2 = %+v, %d, %v; want [v1], 3", tags, total, err)
	}
	if _, _, err := r.ProtectedTags(ctx, p, store.Page{Number: 1, PerPage: 1}); err == nil {
		t.Error("a page holding a record that does not decode: no error")
	}
}

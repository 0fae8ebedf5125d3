package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestStore_MarkGroupForDeletion pins the rename of a group marked for
// deletion and its undoing: the group's name and path get the suffix, its
// descendants' full paths and names follow (counted in characters, names
// being UTF-8), the old path is free, and a restore gives everything back.
func TestStore_MarkGroupForDeletion(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	create := func(name, path string, parent int64) ferry.Namespace {
		g := ferry.Namespace{Name: name, Path: path, ParentID: parent, Visibility: ferry.Private}
		if err := db.CreateGroup(ctx, &g); err != nil {
			t.Fatal(err)
		}
		return g
	}
	top := create("Café", "cafe", 0)
	sub := create("Ünter", "unter", top.ID)
	deep := create("Dé", "de", sub.ID)
	at := time.Now().UTC().Truncate(time.Second)
	var marked ferry.Namespace
	err := db.Tx(ctx, func(tx *store.Tx) (err error) {
		marked, err = tx.MarkGroupForDeletion(ctx, sub, 7, at)
		return err
	})
	suffix := "-deletion_scheduled-" + strconv.FormatInt(sub.ID, 10)
	if err != nil || marked.Path != "unter"+suffix || marked.Name != "Ünter"+suffix || marked.FullPath != "cafe/unter"+suffix ||
		marked.FullName != "Café / Ünter"+suffix || marked.MarkedForDeletionAt == nil || !marked.MarkedForDeletionAt.Equal(at) ||
		marked.DeletingUserID != 7 {
		t.Fatalf("marked %+v %v", marked, err)
	}
	if d, _ := db.NamespaceByID(ctx, deep.ID); d.FullPath != "cafe/unter"+suffix+"/de" || d.FullName != "Café / Ünter"+suffix+" / Dé" {
		t.Errorf("descendant %+v", d)
	}
	if due, err := db.GroupsMarkedBefore(ctx, at.Add(time.Second), 10); err != nil || len(due) != 1 || due[0].ID != sub.ID {
		t.Errorf("marked before: %+v %v", due, err)
	}
	if due, _ := db.GroupsMarkedBefore(ctx, at, 10); len(due) != 0 {
		t.Errorf("marked before the mark: %+v", due)
	}
	var restored ferry.Namespace
	err = db.Tx(ctx, func(tx *store.Tx) (err error) {
		restored, err = tx.RestoreGroup(ctx, marked)
		return err
	})
	if err != nil || restored.FullPath != "cafe/unter" || restored.FullName != "Café / Ünter" || restored.MarkedForDeletionAt != nil {
		t.Fatalf("restored %+v %v", restored, err)
	}
	if d, _ := db.NamespaceByID(ctx, deep.ID); d.FullPath != "cafe/unter/de" || d.FullName != "Café / Ünter / Dé" {
		t.Errorf("descendant after restore %+v", d)
	}
}

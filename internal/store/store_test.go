package store_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

func newUser(t *testing.T, db *store.DB, name string) ferry.User {
	t.Helper()
	u := ferry.User{Username: name, Name: name, Email: name + "@example.com"}
	if err := db.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

// newProject creates a private project "p" in u's namespace.
func newProject(t *testing.T, db *store.DB, u ferry.User) ferry.Project {
	t.Helper()
	p := ferry.Project{NamespaceID: u.NamespaceID, Name: "p", Path: "p", Visibility: ferry.Private,
		DefaultBranch: "main", CreatorID: u.ID}
	if err := db.CreateProject(context.Background(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStore_CreateUser(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	u := newUser(t, db, "alice")
	ns, err := db.NamespaceByID(ctx, u.NamespaceID)
	if err != nil || ns.FullPath != "alice" || ns.OwnerID != u.ID || ns.IsGroup() {
		t.Fatalf("personal namespace %+v, %v", ns, err)
	}
	for _, tt := range []struct {
		name  string
		user  ferry.User
		field string
	}{
		{"SameUsernameOtherCase", ferry.User{Username: "ALICE", Name: "x", Email: "x@example.com"}, "username"},
		{"SameEmailOtherCase", ferry.User{Username: "bob", Name: "x", Email: "Alice@Example.com"}, "email"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := db.CreateUser(ctx, &tt.user)
			var ve *ferry.ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field || !errors.Is(err, ferry.ErrConflict) {
				t.Errorf("err %v, want conflict on %s", err, tt.field)
			}
		})
	}
	g := ferry.Namespace{Name: "Bob", Path: "bob", Visibility: ferry.Private}
	if err := db.CreateGroup(ctx, &g); err != nil {
		t.Fatal(err)
	}
	err = db.CreateUser(ctx, &ferry.User{Username: "bob", Name: "Bob", Email: "bob@example.com"})
	var ve *ferry.ValidationError
	if !errors.As(err, &ve) || ve.Field != "username" {
		t.Errorf("user whose namespace clashes with a group: %v, want username taken", err)
	}
	if _, err := db.UserByUsername(ctx, "bob"); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("a refused user was half stored: %v", err)
	}
}

func TestStore_GroupsAndProjects(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	u := newUser(t, db, "alice")
	top := ferry.Namespace{Name: "Top", Path: "top", Visibility: ferry.Public}
	if err := db.CreateGroup(ctx, &top); err != nil {
		t.Fatal(err)
	}
	sub := ferry.Namespace{Name: "Sub", Path: "sub", ParentID: top.ID, Visibility: ferry.Private}
	if err := db.CreateGroup(ctx, &sub); err != nil {
		t.Fatal(err)
	}
	if sub.FullPath != "top/sub" || sub.FullName != "Top / Sub" {
		t.Errorf("sub-group %q %q", sub.FullPath, sub.FullName)
	}
	chain, err := db.Ancestors(ctx, sub.ID)
	if err != nil || len(chain) != 2 || chain[1].ID != top.ID {
		t.Errorf("ancestors %v %v", chain, err)
	}
	if err := db.CreateGroup(ctx, &ferry.Namespace{Name: "X", Path: "x", ParentID: 999, Visibility: ferry.Private}); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("group under a missing parent: %v", err)
	}
	p := ferry.Project{NamespaceID: sub.ID, Name: "Proj", Path: "proj", Visibility: ferry.Private, DefaultBranch: "main", CreatorID: u.ID}
	if err := db.CreateProject(ctx, &p); err != nil {
		t.Fatal(err)
	}
	got, err := db.ProjectByFullPath(ctx, "TOP/Sub/PROJ")
	if err != nil || got.ID != p.ID || got.FullPath() != "top/sub/proj" || got.FullName() != "Top / Sub / Proj" {
		t.Errorf("by full path: %+v %v", got, err)
	}
	dup := p
	dup.Name = "Other"
	if err := db.CreateProject(ctx, &dup); !errors.Is(err, ferry.ErrConflict) {
		t.Errorf("duplicate path: %v", err)
	}
	if err := db.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ProjectByID(ctx, p.ID); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("deleted project: %v", err)
	}
	if err := db.DeleteProject(ctx, p.ID); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
}

func TestStore_Settings(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	s, err := db.Settings(ctx)
	if err != nil || s.ProjectExportLimit != 6 || !s.ProjectExportEnabled {
		t.Fatalf("defaults %+v %v", s, err)
	}
	s.MaxImportSize = 50
	for range 2 {
		if err := db.SaveSettings(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := db.Settings(ctx); got.MaxImportSize != 50 {
		t.Errorf("saved max_import_size %d", got.MaxImportSize)
	}
}

func TestStore_TxRollsBack(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	boom := errors.New("boom")
	err := db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateGroup(ctx, &ferry.Namespace{Name: "G", Path: "g", Visibility: ferry.Private}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx returned %v", err)
	}
	if _, err := db.NamespaceByFullPath(ctx, "g"); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("rolled-back group is visible: %v", err)
	}
}

// TestStore_TxAfterCommit pins that AfterCommit runs once the commit is
// done, when the change is visible outside the transaction, and never
// after a rollback.
func TestStore_TxAfterCommit(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	for _, fail := range []bool{false, true} {
		var visible []bool
		path := map[bool]string{false: "kept", true: "rolled-back"}[fail]
		err := db.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateGroup(ctx, &ferry.Namespace{Name: path, Path: path, Visibility: ferry.Private}); err != nil {
				return err
			}
			tx.AfterCommit(func() {
				_, err := db.NamespaceByFullPath(ctx, path)
				visible = append(visible, err == nil)
			})
			if fail {
				return errors.New("boom")
			}
			return nil
		})
		if fail && (err == nil || err.Error() != "boom") || !fail && err != nil {
			t.Fatalf("rollback %v: Tx returned %v", fail, err)
		}
		if want := map[bool]int{false: 1, true: 0}[fail]; len(visible) != want || (want == 1 && !visible[0]) {
			t.Errorf("rollback %v: AfterCommit ran %v, want %d run(s) seeing the group", fail, visible, want)
		}
	}
}

// TestStore_Dialect pins that TEST_DATABASE_URL really moves the suite to
// PostgreSQL.
func TestStore_Dialect(t *testing.T) {
	t.Parallel()
	want := store.SQLite
	if os.Getenv("TEST_DATABASE_URL") != "" {
		want = store.Postgres
	}
	if got := storetest.Open(t).Dialect(); got != want {
		t.Errorf("dialect %s, want %s", got, want)
	}
}

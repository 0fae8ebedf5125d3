package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// On SQLite every statement that writes runs on the writer pool, the
// reads on the other: each kind of write opens the writer's connection
// in a store that has only read (migrations run on the reader pool).
func TestStore_SQLiteWritesGoToTheWriterPool(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		write func(ctx context.Context, db *store.DB) error
	}{
		{"exec", func(ctx context.Context, db *store.DB) error { return db.SetOpenIssuesCount(ctx, 1, 1) }},
		{"insert returning", func(ctx context.Context, db *store.DB) error {
			return db.CreateUser(ctx, &ferry.User{Username: "w", Name: "w", Email: "w@example.com"})
		}},
		{"upsert returning", func(ctx context.Context, db *store.DB) error {
			_, err := db.HitRateLimit(ctx, "k", 1, time.Now().Add(time.Minute))
			return err
		}},
		{"delete returning", func(ctx context.Context, db *store.DB) error {
			_, err := db.DeleteGroupExports(ctx, 1, 1)
			return err
		}},
		{"transaction", func(ctx context.Context, db *store.DB) error {
			return db.Tx(ctx, func(tx *store.Tx) error { return tx.SetOpenIssuesCount(ctx, 1, 1) })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, db := context.Background(), storetest.OpenSQLite(t)
			if _, err := db.Settings(ctx); err != nil {
				t.Fatal(err)
			}
			if n := store.WriterConnections(db); n != 0 {
				t.Fatalf("the writer pool holds %d connections after reads only", n)
			}
			if err := tc.write(ctx, db); err != nil {
				t.Fatal(err)
			}
			if n := store.WriterConnections(db); n == 0 {
				t.Error("the write did not run on the writer pool")
			}
		})
	}
}

// On SQLite all writes share one connection, concurrent ones included
// (they wait for each other, as SQLite's one write lock makes them do
// anyway): PRAGMA data_version on it, which changes when another
// connection has committed, and so SQLite has emptied its page cache,
// stays the same however many transactions and statements ran.
func TestStore_SQLiteWritesShareOneConnection(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.OpenSQLite(t)
	before := storetest.WriterDataVersion(t, db)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Go(func() {
			errs <- db.Tx(ctx, func(tx *store.Tx) error {
				time.Sleep(time.Millisecond) // the other writers come while it is open
				return tx.SetOpenIssuesCount(ctx, int64(i), 1)
			})
			_, err := db.HitRateLimit(ctx, fmt.Sprint("k", i), 1, time.Now().Add(time.Minute))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if after := storetest.WriterDataVersion(t, db); after != before {
		t.Errorf("PRAGMA data_version on the writer went from %d to %d: another connection wrote", before, after)
	}
}

// TouchToken writes a token's use once a minute at most, deciding from
// the token as read: a token read with a use under a minute old is not
// written, even when the row (changed since) is older.
func TestStore_TouchTokenOncePerMinute(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.OpenSQLite(t)
	u := newUser(t, db, "alice")
	tok := ferry.PersonalAccessToken{UserID: u.ID, Name: "t", Scopes: []string{"api"}}
	if err := db.CreateToken(ctx, &tok, "digest"); err != nil {
		t.Fatal(err)
	}
	lastUse := func() time.Time {
		t.Helper()
		got, err := db.TokenByID(ctx, tok.ID)
		if err != nil || got.LastUsedAt == nil {
			t.Fatalf("token %+v, %v", got, err)
		}
		return got.LastUsedAt.UTC()
	}
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if err := db.TouchToken(ctx, tok, t0); err != nil {
		t.Fatal(err)
	}
	if got := lastUse(); !got.Equal(t0) {
		t.Fatalf("first use recorded as %v, want %v", got, t0)
	}
	read, _ := db.TokenByID(ctx, tok.ID)
	recent := t0.Add(50 * time.Minute)
	read.LastUsedAt = &recent // as a request that read the token after a later use would hold it
	if err := db.TouchToken(ctx, read, t0.Add(50*time.Minute+30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := lastUse(); !got.Equal(t0) {
		t.Errorf("a use 30 s after the token's last one was written (%v)", got)
	}
	later := t0.Add(2 * time.Minute)
	read, _ = db.TokenByID(ctx, tok.ID)
	if err := db.TouchToken(ctx, read, later); err != nil {
		t.Fatal(err)
	}
	if got := lastUse(); !got.Equal(later) {
		t.Errorf("a use 2 min after the last one recorded as %v, want %v", got, later)
	}
}

// A token looked up by its digest or its id comes with its own user (not
// another's), every field as the separate reads give it; an unknown
// digest or id is ferry.ErrNotFound.
func TestStore_TokenWithItsUser(t *testing.T) {
	t.Parallel()
	ctx, db := context.Background(), storetest.Open(t)
	newUser(t, db, "alice") // a user before bob, so that ids differ
	bob := newUser(t, db, "bob")
	expires := time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)
	tok := ferry.PersonalAccessToken{UserID: bob.ID, Name: "t", Description: "for CI", Scopes: []string{"api", "read_user"}, ExpiresAt: &expires}
	if err := db.CreateToken(ctx, &tok, "bob-digest"); err != nil {
		t.Fatal(err)
	}
	if err := db.TouchToken(ctx, tok, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	wantToken, err := db.TokenByID(ctx, tok.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantUser, err := db.UserByID(ctx, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	byDigest := func() (ferry.PersonalAccessToken, ferry.User, error) { return db.TokenByDigest(ctx, "bob-digest") }
	byID := func() (ferry.PersonalAccessToken, ferry.User, error) { return db.TokenAndUserByID(ctx, tok.ID) }
	for name, lookup := range map[string]func() (ferry.PersonalAccessToken, ferry.User, error){"digest": byDigest, "id": byID} {
		gotToken, gotUser, err := lookup()
		if err != nil {
			t.Fatalf("by %s: %v", name, err)
		}
		if diff := cmp.Diff(wantToken, gotToken); diff != "" {
			t.Errorf("by %s: token (-separate +joined):\n%s", name, diff)
		}
		if diff := cmp.Diff(wantUser, gotUser); diff != "" || gotUser.Username != "bob" {
			t.Errorf("by %s: user %q (-separate +joined):\n%s", name, gotUser.Username, diff)
		}
	}
	if _, _, err := db.TokenByDigest(ctx, "no-such-digest"); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("unknown digest: %v, want ErrNotFound", err)
	}
	if _, _, err := db.TokenAndUserByID(ctx, tok.ID+100); !errors.Is(err, ferry.ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}
}

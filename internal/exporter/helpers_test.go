package exporter

import (
	"context"
	"log/slog"
	"strconv"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// newProject stores a user and a private project of theirs.
func newProject(tb testing.TB, db *store.DB) (ferry.User, ferry.Project) {
	tb.Helper()
	ctx := context.Background()
	u := ferry.User{Username: "u", Name: "U", Email: "u@example.com"}
	if err := db.CreateUser(ctx, &u); err != nil {
		tb.Fatal(err)
	}
	p := ferry.Project{NamespaceID: u.NamespaceID, Name: "p", Path: "p", Visibility: ferry.Private, DefaultBranch: "main", CreatorID: u.ID}
	if err := db.CreateProject(ctx, &p); err != nil {
		tb.Fatal(err)
	}
	return u, p
}

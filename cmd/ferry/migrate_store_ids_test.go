package main

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/store/storetest"
	"github.com/ferryhq/ferry/internal/testenv"
)

// TestMigrateStore_DeletedIDsNotReused pins that the move to PostgreSQL
// never gives an id twice: the newest user, group and project are deleted
// on SQLite (whose sqlite_sequence remembers their ids) before the move,
// and the first of each created after it gets a larger id than they had.
func TestMigrateStore_DeletedIDsNotReused(t *testing.T) {
	testenv.Postgres(t)
	ctx, data := context.Background(), t.TempDir()
	embedded := servertest.StartWith(t, servertest.Options{DataDir: data, DatabaseURL: filepath.Join(data, "ferry.db")})
	root := embedded.Root
	var deleted [3]int64 // user, group, project
	for range 2 {
		u, _, err := root.Users.CreateUser(&gitlab.CreateUserOptions{Email: gitlab.Ptr("u" + itoa(deleted[0]) + "@example.com"),
			Name: gitlab.Ptr("U"), Username: gitlab.Ptr("u" + itoa(deleted[0])), ForceRandomPassword: gitlab.Ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		g, _, err := root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("G" + itoa(deleted[1])),
			Path: gitlab.Ptr("g" + itoa(deleted[1]))})
		if err != nil {
			t.Fatal(err)
		}
		p, _, err := root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("p" + itoa(deleted[2]))})
		if err != nil {
			t.Fatal(err)
		}
		deleted = [3]int64{u.ID, g.ID, p.ID}
	}
	if _, err := root.Users.DeleteUser(deleted[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := root.Groups.DeleteGroup(deleted[1], nil); err != nil {
		t.Fatal(err)
	}
	if _, err := root.Projects.DeleteProject(deleted[2], nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		var pending int
		embedded.Server.DB.SQL().QueryRow(`SELECT count(*) FROM river_job WHERE state IN
			('available', 'running', 'retryable', 'scheduled', 'pending') AND kind NOT LIKE '%cleanup' AND kind <> 'queue_reaper'`).Scan(&pending)
		return pending == 0
	})
	if err := embedded.Server.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	pg := storetest.URL(t)
	if err := migrateStore(ctx, []string{"--data", data, "--to", pg}); err != nil {
		t.Fatal(err)
	}
	moved := servertest.StartWith(t, servertest.Options{DataDir: data, DatabaseURL: pg})
	u, _, err := moved.Root.Users.CreateUser(&gitlab.CreateUserOptions{Email: gitlab.Ptr("new@example.com"),
		Name: gitlab.Ptr("New"), Username: gitlab.Ptr("new"), ForceRandomPassword: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := moved.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("New"), Path: gitlab.Ptr("newgroup")})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := moved.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("newproject")})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []int64{u.ID, g.ID, p.ID} {
		if id <= deleted[i] {
			t.Errorf("%s id %d after the move, reusing the deleted %d", []string{"user", "group", "project"}[i], id, deleted[i])
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

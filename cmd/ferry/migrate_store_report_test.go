package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
	"github.com/ferryhq/ferry/internal/testenv"
)

// TestMigrateStore_ReportsEveryTable runs the built binary: its summary on
// stdout names every table it copied, tokens and settings included, with
// its rows and their total; its progress on stderr (not a terminal here)
// is plain lines, one per table copied and one at the end.
func TestMigrateStore_ReportsEveryTable(t *testing.T) {
	testenv.Postgres(t)
	bin, ctx, data := buildFerry(t), context.Background(), t.TempDir()
	embedded := servertest.StartWith(t, servertest.Options{DataDir: data, DatabaseURL: filepath.Join(data, "ferry.db")})
	u, _, err := embedded.Root.Users.CreateUser(&gitlab.CreateUserOptions{Email: gitlab.Ptr("ann@example.com"),
		Name: gitlab.Ptr("Ann"), Username: gitlab.Ptr("ann"), ForceRandomPassword: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := embedded.Root.Users.CreatePersonalAccessToken(u.ID, &gitlab.CreatePersonalAccessTokenOptions{
		Name: gitlab.Ptr("t"), Scopes: &[]string{"api"}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := embedded.Root.Settings.UpdateSettings(&gitlab.UpdateSettingsOptions{
		ProjectDownloadExportLimit: gitlab.Ptr(int64(0))}); err != nil {
		t.Fatal(err)
	}
	want, err := embedded.Server.DB.RowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := embedded.Server.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "migrate-store", "--data", data, "--to", storetest.URL(t))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("migrate-store: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	got := map[string]int64{}
	for line := range strings.Lines(stdout.String()) {
		if f := strings.Fields(line); len(f) == 3 && f[2] == "rows" {
			got[f[0]], _ = strconv.ParseInt(f[1], 10, 64)
		}
	}
	var total int64
	for _, table := range store.CopiedTables() {
		if n, ok := got[table]; !ok || n != want[table] {
			t.Errorf("summary of %s: %d (listed %v), want %d rows", table, n, ok, want[table])
		}
		if want[table] > 0 && !strings.Contains(stderr.String(), "migrate-store: copying "+table+" (") {
			t.Errorf("no progress line for %s:\n%s", table, stderr.String())
		}
		total += want[table]
	}
	if want["personal_access_tokens"] == 0 || want["application_settings"] == 0 || got["total"] != total {
		t.Errorf("tokens %d, settings %d, total %d of %d:\n%s", want["personal_access_tokens"],
			want["application_settings"], got["total"], total, stdout.String())
	}
	if !strings.Contains(stderr.String(), "migrate-store: "+strconv.FormatInt(total, 10)+" of "+
		strconv.FormatInt(total, 10)+" rows copied") {
		t.Errorf("no final progress line:\n%s", stderr.String())
	}
}

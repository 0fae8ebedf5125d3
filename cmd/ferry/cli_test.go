package main

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLI_Mistakes pins what the built binary says and how it exits for
// help and for every kind of command-line mistake: help exits 0 and says
// it once, a mistake exits 2 with a one-line reason naming the bad value
// and what is allowed, and writes nothing.
func TestCLI_Mistakes(t *testing.T) {
	t.Parallel()
	bin, empty := buildFerry(t), t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string // in the output, exactly once
	}{
		{"ServeHelp", []string{"serve", "--help"}, 0, "-listen string"},
		{"HelpServe", []string{"help", "serve"}, 0, "-listen string"},
		{"Help", []string{"help"}, 0, "reset-root-token"},
		{"HelpArchive", []string{"help", "archive"}, 0, "validate FILE [--json]"},
		{"ExportNoProject", []string{"export", "--server", "http://127.0.0.1:1"}, 2, `ferry: export takes one project (its id or full path), got ""`},
		{"ExportBadServer", []string{"export", "--server", "gitlab.example.com", "--token", "x", "g/p"}, 2,
			`ferry: export: --server "gitlab.example.com": want an absolute http:// or https:// URL`},
		{"ImportNoPath", []string{"import", "x.tar.gz"}, 2, "ferry: import: --path is required"},
		{"ImportBadOverride", []string{"import", "--override", "nokey", "x.tar.gz"}, 2, `invalid value "nokey" for flag -override: want KEY=VALUE`},
		{"HelpExport", []string{"help", "export"}, 0, "usage: ferry export --server URL [--token T] [--out FILE] PROJECT"},
		{"HelpMigrate", []string{"migrate", "--help"}, 0, "-create-groups"},
		{"HelpMigrateGroupArchive", []string{"migrate", "--help"}, 0, "-group-archive"},
		{"MigrateGroupArchiveNoGroup", []string{"migrate", "--from", "http://127.0.0.1:1", "--to", "http://127.0.0.1:2", "--group-archive"}, 2,
			"ferry: migrate: --group-archive moves the group of --group PATH: give it"},
		{"MigrateNoServers", []string{"migrate", "g/p"}, 2, "ferry: migrate: --from URL and --to URL are required"},
		{"MigrateNoFromToken", []string{"migrate", "--from", "http://127.0.0.1:1", "--to", "http://127.0.0.1:2", "g/p"}, 2,
			"ferry: migrate: no token for http://127.0.0.1:1: give --from-token, or set FERRY_FROM_TOKEN"},
		{"InspectTwoFiles", []string{"archive", "inspect", "a", "b"}, 2, `ferry: archive inspect takes one archive file, got "a b"`},
		{"NoCommand", nil, 2, "ferry: no command given"},
		{"UnknownCommand", []string{"fly"}, 2, `ferry: unknown command "fly"`},
		{"UnknownFlag", []string{"serve", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{"ExtraArgument", []string{"serve", "/some/dir"}, 2, `ferry: serve takes no arguments, got "/some/dir"`},
		{"BadScale", []string{"bench", "--scale", "q"}, 2, `ferry: --scale "q": want one of huge, reads, s, m, l, xl`},
		{"BadBenchWorkers", []string{"bench", "--workers", "1,0"}, 2, `ferry: --workers: want counts from 1 to 64 separated by commas, got "1,0"`},
		{"BadBenchDatabase", []string{"bench", "--database", "/tmp/x.db"}, 2, "ferry: --database: want a postgres:// URL"},
		{"BadLogFormat", []string{"serve", "--log-format", "yaml"}, 2, `ferry: --log-format "yaml": want one of text, json`},
		{"BadLogLevel", []string{"serve", "--log-level", "loud"}, 2, `ferry: --log-level "loud": want one of debug, info, warn, error`},
		{"BadRole", []string{"serve", "--role", "boss"}, 2, `ferry: --role "boss": want one of all, api, worker`},
		{"MisspelledPostgres", []string{"serve", "--database", "postgress://u:secret@db/ferry"}, 2,
			`ferry: --database: "postgress://u:xxxxx@db/ferry": want a postgres:// URL, a sqlite:// URL or a SQLite file path`},
		{"MySQL", []string{"serve", "--database", "mysql://db/ferry"}, 2, "want a postgres:// URL"},
		{"BadExternalURL", []string{"serve", "--external-url", "notaurl"}, 2,
			`ferry: --external-url "notaurl": want an absolute http:// or https:// URL`},
		{"SQLiteDestination", []string{"migrate-store", "--to", "sqlite:///tmp/x.db"}, 2,
			`ferry: migrate-store: --to must be a PostgreSQL URL (postgres://...), got "sqlite:///tmp/x.db"`},
		{"ResetWithoutDatabase", []string{"reset-root-token", "--data", empty}, 1, "ferry: reset-root-token: no Ferry database at"},
		{"Version", []string{"version"}, 0, "ferry "},
		{"MissingCAFile", []string{"serve", "--ca-file", "/nonexistent/ca.pem"}, 1, "ferry: CA file: open /nonexistent/ca.pem"},
		{"VersionArgument", []string{"version", "x"}, 2, `ferry: version takes no arguments, got "x"`},
		{"HelpTwoCommands", []string{"help", "serve", "bench"}, 2, `ferry: help takes one command, got "serve bench"`},
		{"ArchiveNoSubcommand", []string{"archive"}, 2, "ferry: archive: want a subcommand: generate, inspect, validate, rewrite or convert"},
		{"ArchiveNoOut", []string{"archive", "generate", "--scale", "s"}, 2, "ferry: archive generate: --out FILE is required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(bin, tt.args...)
			cmd.Dir = t.TempDir()
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || strings.Count(out.String(), tt.want) != 1 {
				t.Errorf("exit %d, want %d; output should hold %q once:\n%s", code, tt.code, tt.want, out.String())
			}
			if left, _ := os.ReadDir(cmd.Dir); len(left) > 0 {
				t.Errorf("the command left %s in its working folder (./data by default); a refused command writes nothing", left[0].Name())
			}
		})
	}
}

// TestServe_RootTokenFile pins that the token made for root on the first
// start is written to an owner-only file, never into the log, and that
// reset-root-token gives root a new one that works.
func TestServe_RootTokenFile(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		t.Skip("the embedded store's first start; runs in the SQLite pass")
	}
	t.Parallel()
	bin, addr := buildFerry(t), freeAddr(t)
	data := filepath.Join(t.TempDir(), "data")
	p := startFerry(t, bin, []string{"FERRY_ROOT_TOKEN=", "FERRY_DATABASE_URL=", "FERRY_LOG_FORMAT=json"}, "--data", data, "--listen", addr)
	waitHealthy(t, "http://"+addr)
	file := filepath.Join(data, "initial_root_token")
	info, err := os.Stat(file)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("root token file: %v %v", info, err)
	}
	b, _ := os.ReadFile(file)
	token := strings.TrimSpace(string(b))
	log, _ := os.ReadFile(p.log)
	if len(token) < 20 || bytes.Contains(log, []byte(token)) || !bytes.Contains(log, []byte(file)) {
		t.Errorf("token %d chars; the log names the file %v, holds the token %v",
			len(token), bytes.Contains(log, []byte(file)), bytes.Contains(log, []byte(token)))
	}
	h := &scaleHTTP{t: t, base: "http://" + addr + "/api/v4"}
	for i, tok := range []string{token, ""} {
		if i == 1 {
			out, err := exec.Command(bin, "reset-root-token", "--data", data).Output()
			if tok = strings.TrimSpace(string(out)); err != nil || tok == token || len(tok) < 20 {
				t.Fatalf("reset-root-token: %v %q", err, out)
			}
		}
		if code := userWithToken(t, h, tok); code != 200 {
			t.Errorf("token %d: GET /user answers %d", i, code)
		}
	}
}

// userWithToken is the status of GET /user with token.
func userWithToken(t *testing.T, h *scaleHTTP, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", h.base+"/user", nil)
	req.Header.Set("PRIVATE-TOKEN", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestMigrateStore_RefusesARunningServer pins that migrate-store will not
// copy a store a running server still writes.
func TestMigrateStore_RefusesARunningServer(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		t.Skip("an embedded server's data folder; runs in the SQLite pass")
	}
	t.Parallel()
	bin, addr, data := buildFerry(t), freeAddr(t), t.TempDir()
	startFerry(t, bin, []string{"FERRY_ROOT_TOKEN=" + scaleToken, "FERRY_DATABASE_URL="}, "--data", data, "--listen", addr)
	waitHealthy(t, "http://"+addr)
	out, err := exec.Command(bin, "migrate-store", "--data", data, "--to", "postgres://127.0.0.1:1/ferry").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 ||
		!strings.Contains(string(out), "ferry: migrate-store: a Ferry process is using the data folder "+data) {
		t.Errorf("migrate-store beside a running server: %v\n%s", err, out)
	}
}

// archive generate (and so bench --work) writes into a folder that does
// not exist yet, and what it writes is a valid archive.
func TestCLI_GenerateIntoNewFolder(t *testing.T) {
	t.Parallel()
	bin, dir := buildFerry(t), t.TempDir()
	out := filepath.Join(dir, "new", "folder", "s.tar.gz")
	if got, code := runCLI(t, bin, dir, nil, "archive", "generate", "--scale", "s", "--out", out); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, got)
	}
	if got, code := runCLI(t, bin, dir, nil, "archive", "validate", out); code != 0 {
		t.Fatalf("validate %s: exit %d: %s", out, code, got)
	}
	if _, err := os.Stat(out + ".partial"); !os.IsNotExist(err) {
		t.Errorf("the partial file is left beside the archive: %v", err)
	}
}

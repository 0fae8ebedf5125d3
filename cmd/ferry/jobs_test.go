package main

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestJobs_CLI drives `ferry jobs` (the built binary) against a server
// without workers: the list, a cancel and a retry of an import, a cancel
// of a group import, and the mistakes it refuses.
func TestJobs_CLI(t *testing.T) {
	t.Parallel()
	bin := buildFerry(t)
	env := servertest.StartWith(t, servertest.Options{NoWork: true})
	imp, _, err := env.Root.ProjectImportExport.ImportFromFile(bytes.NewReader(scaleArchive(t)),
		&gitlab.ImportFileOptions{Path: gitlab.Ptr("cli")})
	if err != nil {
		t.Fatal(err)
	}
	id := itoa(imp.ID)
	g := env.QueueGroupImport(t, "CLI group", "cligroup")
	ferry := func(token string, args ...string) (string, int) {
		cmd := exec.Command(bin, append([]string{"jobs"}, args...)...)
		cmd.Env = append(cmd.Environ(), "FERRY_URL="+env.URL, "FERRY_TOKEN="+token)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return string(out), exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	for _, c := range []struct {
		name  string
		token string
		args  []string
		code  int
		want  []string
	}{
		{"List", servertest.RootToken, []string{"list"}, 0,
			[]string{"KIND", "import", "root/cli", "scheduled", "group_import", "cligroup", "page 1 of 1 (2 jobs)"}},
		{"ListFiltered", servertest.RootToken, []string{"list", "--kind", "export"}, 0, []string{"page 1 of 1 (0 jobs)"}},
		{"Cancel", servertest.RootToken, []string{"cancel-import", id}, 0,
			[]string{"import", "failed", "Import cancelled by an administrator"}},
		{"CancelAgain", servertest.RootToken, []string{"cancel-import", id}, 1,
			[]string{"ferry: jobs: 409 Conflict: {\"message\":\"The import is failed: only a scheduled or started import can be cancelled\"}"}},
		{"Retry", servertest.RootToken, []string{"retry-import", "--json", id}, 0, []string{`"state":"scheduled"`}},
		{"ListGroupImports", servertest.RootToken, []string{"list", "--kind", "group_import"}, 0,
			[]string{"group_import", "cligroup", "scheduled", "page 1 of 1 (1 jobs)"}},
		{"CancelGroupImport", servertest.RootToken, []string{"cancel-group-import", itoa(g.ID)}, 0,
			[]string{"group_import", "cligroup", "failed", "Import cancelled by an administrator"}},
		{"CancelGroupExportUnknown", servertest.RootToken, []string{"cancel-group-export", "999"}, 1,
			[]string{`ferry: jobs: 404 Not Found: {"message":"404 Not Found"}`}},
		{"BadState", servertest.RootToken, []string{"list", "--state", "done"}, 1,
			[]string{`400 Bad Request: {"error":"state does not have a valid value"}`}},
		{"NotAdmin", "glpat-nobody", []string{"list"}, 1, []string{"401 Unauthorized"}},
		{"NoToken", "", []string{"list"}, 2, []string{"ferry: jobs: set FERRY_TOKEN to an administrator's token"}},
		{"NoID", servertest.RootToken, []string{"retry-import"}, 2, []string{`jobs retry-import takes one job id, got ""`}},
		{"BadID", servertest.RootToken, []string{"cancel-export", "x"}, 2, []string{`the job id "x" is not a number`}},
		{"Unknown", servertest.RootToken, []string{"purge"}, 2, []string{`ferry: jobs: unknown subcommand "purge"`}},
		{"Help", servertest.RootToken, []string{"--help"}, 0, []string{"usage: ferry jobs"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, code := ferry(c.token, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d:\n%s", code, c.code, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

package api_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/testenv"
)

// need returns the path of a client program the test drives, skipping the
// test without it (CI installs them and requires them; see .ci/run).
func need(t *testing.T, path, pkg string) string {
	t.Helper()
	return testenv.NeedFile(t, path, pkg, "apt-get install "+pkg)
}

// TestSpecCurlCommands runs the specification's curl commands, as written
// (host and token aside), against a real server.
func TestSpecCurlCommands(t *testing.T) {
	t.Parallel()
	curl := need(t, "/usr/bin/curl", "curl")
	env := servertest.Start(t)
	dir := t.TempDir()
	archivePath := filepath.Join(dir, "file.tar.gz")
	if err := os.WriteFile(archivePath, fixtureArchive(t, "0.2.4", nil), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(curl, append([]string{"--silent", "--show-error", "--fail-with-body"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("curl %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	token := "PRIVATE-TOKEN: " + servertest.RootToken
	api := env.URL + "/api/v4"

	out := run("--request", "POST", "--header", token, "--form", "path=api-project", "--form", "file=@"+archivePath, api+"/projects/import")
	var created struct {
		ID           int64  `json:"id"`
		ImportStatus string `json:"import_status"`
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.ImportStatus != "scheduled" {
		t.Fatalf("import answer %s", out)
	}
	if st := waitImport(t, env, servertest.RootToken, created.ID); st.ImportStatus != "finished" {
		t.Fatalf("import %s", st.ImportStatus)
	}
	if out := run("--header", token, api+"/projects/"+itoa(created.ID)+"/import"); !strings.Contains(out, `"import_status":"finished"`) {
		t.Errorf("import status %s", out)
	}

	if out := run("--request", "POST", "--header", token, api+"/projects/"+itoa(created.ID)+"/export"); out != `{"message":"202 Accepted"}`+"\n" {
		t.Errorf("export answer %q", out)
	}
	waitExport(t, env.Root, created.ID, "finished")
	if out := run("--header", token, api+"/projects/"+itoa(created.ID)+"/export"); !strings.Contains(out, `"export_status":"finished"`) {
		t.Errorf("export status %s", out)
	}
	run("--header", token, "--remote-header-name", "--remote-name", api+"/projects/"+itoa(created.ID)+"/export/download")
	files, _ := filepath.Glob(filepath.Join(dir, "*_export.tar.gz"))
	if len(files) != 1 || !regexp.MustCompile(`/\d{4}-\d\d-\d\d_\d\d-\d\d-\d{3}_root_api-project_export\.tar\.gz$`).MatchString(files[0]) {
		t.Fatalf("downloaded files %v", files)
	}
	if data, _ := os.ReadFile(files[0]); len(untar(t, data)) < 5 {
		t.Errorf("downloaded archive has %d entries", len(untar(t, data)))
	}
}

// driveClient runs a client script (made by command from the server URL and
// an archive of GitLab's fixture) against a real server, and checks the
// JSON object it prints against want and that it downloaded an archive.
func driveClient(t *testing.T, command func(url, archive string) *exec.Cmd, want map[string]any) {
	t.Helper()
	env := servertest.Start(t)
	if _, _, err := env.Root.Settings.UpdateSettings(&gitlab.UpdateSettingsOptions{
		ProjectDownloadExportLimit: gitlab.Ptr(int64(0))}); err != nil {
		t.Fatal(err)
	}
	archivePath := filepath.Join(t.TempDir(), "export.tar.gz")
	if err := os.WriteFile(archivePath, fixtureArchive(t, "0.2.4", nil), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := command(env.URL, archivePath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s\n%s", cmd.Path, err, out, stderr.String())
	}
	var seen map[string]any
	if err := json.Unmarshal(out, &seen); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	for k, v := range want {
		if seen[k] != v {
			t.Errorf("%s = %v, want %v (all: %v)", k, seen[k], v, seen)
		}
	}
	if n, _ := seen["download_bytes"].(float64); n < 1000 {
		t.Errorf("downloaded %v bytes", seen["download_bytes"])
	}
}

// TestPythonGitlab drives Ferry with python-gitlab (Debian's
// python3-gitlab), which compares Content-Type literally and sends
// capitalised booleans and flat override_params.
func TestPythonGitlab(t *testing.T) {
	t.Parallel()
	python := need(t, "/usr/bin/python3", "python3")
	need(t, "/usr/lib/python3/dist-packages/gitlab/__init__.py", "python3-gitlab")
	driveClient(t, func(url, archive string) *exec.Cmd {
		cmd := exec.Command(python, "testdata/python_gitlab.py", url, servertest.RootToken, archive)
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
		return cmd
	}, map[string]any{"user": "root", "import_create": "scheduled", "import_status": "finished",
		"visibility": "internal", "export_status": "finished", "download_gzip": true,
		"releases": 3.0, "pipelines": 10.0, "jobs": 9.0, "protected_branches": 1.0, "protected_tags": 1.0,
		"badges": 2.0, "snippets": 1.0, "events": 26.0, "release_tag": "release-1.0"})
}

// TestGitbeaker drives Ferry with @gitbeaker/rest (installed by .ci/run
// into testdata/gitbeaker, which sets FERRY_TEST_NODE_CLIENTS).
func TestGitbeaker(t *testing.T) {
	t.Parallel()
	module := filepath.Join("testdata", "gitbeaker", "node_modules", "@gitbeaker", "rest")
	if _, err := os.Stat(module); err != nil {
		testenv.Missing(t, "@gitbeaker/rest", "npm install --no-package-lock in internal/api/testdata/gitbeaker (.ci/run does)")
	}
	node := need(t, "/usr/bin/node", "nodejs")
	driveClient(t, func(url, archive string) *exec.Cmd {
		cmd := exec.Command(node, "drive.mjs", url, servertest.RootToken, archive)
		cmd.Dir = filepath.Join("testdata", "gitbeaker")
		return cmd
	}, map[string]any{"user": "root", "import_create": "scheduled", "import_status": "finished",
		"export_status": "finished", "download_gzip": true})
}

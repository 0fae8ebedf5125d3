package api_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestGroupRoundTrip_PythonGitlab runs python-gitlab's group import/export
// test (test_group_import_export) against Ferry with a group that has
// something to lose: a sub-group, labels, milestones (one closed), badges,
// a board with a label list and members in each. The group is exported,
// downloaded, imported under a new path, and the imported group and
// sub-group must hold exactly what the source ones do.
func TestGroupRoundTrip_PythonGitlab(t *testing.T) {
	t.Parallel()
	python := needPythonGitlab(t)
	env := servertest.Start(t)
	cmd := exec.Command(python, "testdata/python_gitlab_groups.py", env.URL, servertest.RootToken, t.TempDir())
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "HOME="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("python-gitlab: %v\n%s\n%s", err, out, stderr)
	}
	var seen struct {
		ExportMessage string `json:"export_message"`
		ExportStatus  string `json:"export_status"`
		DownloadGzip  bool   `json:"download_gzip"`
		ImportMessage string `json:"import_message"`
		ImportStatus  string `json:"import_status"`
		ImportError   any    `json:"import_error"`
		ImportedPath  string `json:"imported_path"`
		ImportedName  string `json:"imported_name"`
		Source        map[string]any
		Copy          map[string]any
		SourceSub     map[string]any `json:"source_sub"`
		CopySub       map[string]any `json:"copy_sub"`
	}
	if err := json.Unmarshal(out, &seen); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if seen.ExportMessage != "202 Accepted" || seen.ExportStatus != "finished" || !seen.DownloadGzip ||
		seen.ImportMessage != "202 Accepted" || seen.ImportStatus != "finished" ||
		seen.ImportedPath != "imported_group" || seen.ImportedName != "Imported Group" {
		t.Fatalf("the flow: %s", out)
	}
	if len(seen.Source["labels"].([]any)) != 2 || len(seen.SourceSub["boards"].([]any)) != 1 {
		t.Fatalf("the source group lacks its content: %s", out)
	}
	// The imported group has the name and path asked for; everything
	// else must match.
	for _, m := range []map[string]any{seen.Source, seen.Copy} {
		delete(m, "name")
	}
	if diff := cmp.Diff(seen.Source, seen.Copy); diff != "" {
		t.Errorf("imported group (-source +copy):\n%s", diff)
	}
	if diff := cmp.Diff(seen.SourceSub, seen.CopySub); diff != "" {
		t.Errorf("imported sub-group (-source +copy):\n%s", diff)
	}
}

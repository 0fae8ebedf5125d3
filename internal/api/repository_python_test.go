package api_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// repositoryScript reads the repository and the wiki of grp/sub/proj with
// python-gitlab's objects and prints what it read as JSON.
const repositoryScript = `
import json, sys, gitlab
gl = gitlab.Gitlab(sys.argv[1], private_token=sys.argv[2])
p = gl.projects.get("grp/sub/proj")
print(json.dumps({
    "branches": [b.name for b in p.branches.list(get_all=True)],
    "branch": p.branches.get("feature").commit["title"],
    "tags": [t.name for t in p.tags.list(order_by="name", sort="asc", get_all=True)],
    "commits": [c.title for c in p.commits.list(ref_name="feature", get_all=True)],
    "commit": p.commits.get("feature").stats["additions"],
    "file": p.files.get("docs/guide.md", ref="main").decode().decode(),
    "raw": p.files.raw("docs/guide.md", ref="main").decode(),
    "tree": [t["path"] for t in p.repository_tree(path="docs", get_all=True)],
    "archive": p.repository_archive(sha="main", format="zip")[:2].decode(),
    "compare": [c["title"] for c in p.repository_compare("main", "feature")["commits"]],
    "wikis": [w.slug for w in p.wikis.list(get_all=True)],
}))
`

// TestRepository_PythonGitlab reads a repository with python-gitlab.
func TestRepository_PythonGitlab(t *testing.T) {
	t.Parallel()
	python := needPythonGitlab(t)
	f, _, _ := setupRepo(t)
	cmd := exec.Command(python, "-c", repositoryScript, f.env.URL, f.tokens["reporter"])
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	want := map[string]any{
		"branches": []any{"feature", "main"}, "branch": "Add feature", "tags": []any{"v0.9", "v1.0"},
		"commits": []any{"Add feature", "Add docs", "Initial commit"}, "commit": 2.0,
		"file": "# Guide\n", "raw": "# Guide\n", "tree": []any{"docs/guide.md"}, "archive": "PK",
		"compare": []any{"Add feature"}, "wikis": []any{},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("python-gitlab read (-want +got):\n%s", diff)
	}
}

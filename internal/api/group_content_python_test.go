package api_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// groupContentScript makes a group and a sub-group and gives each labels,
// milestones, badges and a board with label lists through python-gitlab's
// objects, reads them back, updates and deletes one of each, and prints
// what it read as JSON: the flow of python-gitlab's group import/export
// test before it exports.
const groupContentScript = `
import json, sys, gitlab
gl = gitlab.Gitlab(sys.argv[1], private_token=sys.argv[2])
top = gl.groups.create({"name": "Content", "path": "content"})
sub = gl.groups.create({"name": "Sub", "path": "sub", "parent_id": top.id})
out = {}
for grp in (top, sub):
    p = grp.path
    bug = grp.labels.create({"name": "bug-" + p, "color": "#d9534f", "description": "Bugs"})
    feat = grp.labels.create({"name": "feature-" + p, "color": "red"})
    docs = grp.labels.create({"name": "docs-" + p, "color": "#fff"})
    v1 = grp.milestones.create({"title": "v1", "description": "first", "due_date": "2030-01-31", "start_date": "2030-01-01"})
    v2 = grp.milestones.create({"title": "v2"})
    ci = grp.badges.create({"link_url": "https://example.com/%{project_path}", "image_url": "https://img.example.com/ci.svg", "name": "ci"})
    cov = grp.badges.create({"link_url": "https://example.com/cov", "image_url": "https://img.example.com/cov.svg"})
    board = grp.boards.create({"name": "Development"})
    first = board.lists.create({"label_id": bug.id})
    second = board.lists.create({"label_id": feat.id})
    third = board.lists.create({"label_id": docs.id})

    bug.new_name = "defect-" + p
    bug.save()
    v1.state_event = "close"
    v1.save()
    ci.image_url = "https://img.example.com/ci2.svg"
    ci.save()
    board.name = "Planning"
    board.save()
    second = board.lists.get(second.id)
    second.position = 0
    second.save()

    grp.labels.delete("docs-" + p)
    v2.delete()
    cov.delete()
    board.lists.delete(first.id)

    got = gl.groups.get(grp.id)
    b = got.boards.get(board.id)
    out[p] = {
        "labels": sorted(l.name for l in got.labels.list(get_all=True, include_ancestor_groups=False)),
        "label": got.labels.get("defect-" + p).description,
        "milestones": [(m.title, m.state, m.iid, m.due_date) for m in got.milestones.list(get_all=True)],
        "active": [m.title for m in got.milestones.list(state="active")],
        "badges": [(x.name, x.link_url, x.image_url, x.kind) for x in got.badges.list(get_all=True)],
        "boards": [x.name for x in got.boards.list(get_all=True)],
        "lists": [(l.label["name"], l.position) for l in b.lists.list(get_all=True)],
        "board_lists": [(l["label"]["name"], l["position"]) for l in b.attributes["lists"]],
    }
out["inherited"] = sorted(l.name for l in sub.labels.list(get_all=True, include_ancestor_groups=True))
print(json.dumps(out))
`

// TestGroupContent_PythonGitlab drives a group's labels, milestones,
// badges and boards with python-gitlab 3.12's objects, unchanged.
func TestGroupContent_PythonGitlab(t *testing.T) {
	t.Parallel()
	python := needPythonGitlab(t)
	env := servertest.Start(t)
	cmd := exec.Command(python, "-c", groupContentScript, env.URL, servertest.RootToken)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	group := func(p string) map[string]any {
		return map[string]any{
			"labels": []any{"defect-" + p, "feature-" + p},
			"label":  "Bugs",
			"milestones": []any{
				[]any{"v1", "closed", 1.0, "2030-01-31"},
			},
			"active": []any{},
			"badges": []any{
				[]any{"ci", "https://example.com/%{project_path}", "https://img.example.com/ci2.svg", "group"},
			},
			"boards":      []any{"Planning"},
			"lists":       []any{[]any{"feature-" + p, 0.0}},
			"board_lists": []any{[]any{"feature-" + p, 0.0}},
		}
	}
	want := map[string]any{
		"content":   group("content"),
		"sub":       group("sub"),
		"inherited": []any{"defect-content", "defect-sub", "feature-content", "feature-sub"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("python-gitlab read (-want +got):\n%s", diff)
	}
}

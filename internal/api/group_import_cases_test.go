package api_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/store"
)

// legacyGroupJSON builds the legacy group.json (GitLab ≤ 13.x) of an
// NDJSON tree: each group's attributes, its relations as arrays, its
// sub-groups nested under "children".
func legacyGroupJSON(t *testing.T, tree map[string][]byte, id string, parentOf map[string]string) []byte {
	t.Helper()
	var g map[string]json.RawMessage
	if err := json.Unmarshal(tree["tree/groups/"+id+".json"], &g); err != nil {
		t.Fatal(err)
	}
	for name, data := range tree {
		rel, ok := strings.CutPrefix(name, "tree/groups/"+id+"/")
		if !ok {
			continue
		}
		lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
		g[strings.TrimSuffix(rel, ".ndjson")] = append(append([]byte("["), bytes.Join(lines, []byte(","))...), ']')
	}
	var children []json.RawMessage
	for _, child := range []string{"4352", "4353"} {
		if parentOf[child] == id {
			children = append(children, legacyGroupJSON(t, tree, child, parentOf))
		}
	}
	if children != nil {
		g["children"], _ = json.Marshal(children)
	}
	out, _ := json.Marshal(g)
	return out
}

// TestGroupImport_LegacyGroupJSON pins that the legacy single-file layout
// (group.json with nested "children") imports as its NDJSON twin does.
func TestGroupImport_LegacyGroupJSON(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	tree := exportTree(t, "complex")
	legacy := legacyGroupJSON(t, tree, "4351", map[string]string{"4352": "4351", "4353": "4351"})
	g, st := groupImported(t, env, groupArchive(t, map[string][]byte{"group.json": legacy}),
		map[string]string{"path": "legacy", "name": "Legacy"})
	if st.ImportStatus != "finished" || len(st.FailedRelations) != 0 {
		t.Fatalf("import %s %s %+v", st.ImportStatus, deref(st.ImportError), st.FailedRelations)
	}
	if got, want := st.Stats, map[string]int64{"groups": 3, "labels": 10, "badges": 1, "boards": 1, "milestones": 5, "members": 1}; !mapsEqual(got, want) {
		t.Errorf("stats %v, want %v", got, want)
	}
	if g.Description != "Group Description" || len(subgroups(t, env, g.ID)) != 2 {
		t.Errorf("group %q with %d sub-groups", g.Description, len(subgroups(t, env, g.ID)))
	}
	checkImportedRecords(t, env, g.ID)
}

// TestGroupImport_ArchiveFailures pins that hostile and unreadable group
// archives (traversal, links, a decompression bomb, a symbolic link for
// _all.ndjson, no group layout) fail the import with a clear
// import_error, create no sub-group and write nothing outside the work
// folder, as project archives do.
func TestGroupImport_ArchiveFailures(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{GroupImportLimit: gitlab.Ptr(int64(0)),
		MaxDecompressedArchiveSize: gitlab.Ptr(int64(1))})
	version := tarEntry{name: "VERSION", body: "0.2.4"}
	for _, tt := range []struct {
		name      string
		data      []byte
		wantError string
	}{
		{"NotGzip", []byte("this is not an archive"), "Unable to decompress the archive"},
		{"NoVersion", rawTar(t, tarEntry{name: "tree/groups/_all.ndjson", body: "1\n"}), "The archive has no VERSION file; it is not a GitLab group export"},
		{"NoGroupTree", rawTar(t, version, tarEntry{name: "tree/project.json", body: "{}"}), "The import file is incompatible"},
		{"PathTraversal", rawTar(t, version, tarEntry{name: "../../escaped", body: "x"}), "insecure"},
		{"Symlink", rawTar(t, version, tarEntry{name: "tree", link: "/etc"}), "link"},
		{"SymlinkAll", rawTar(t, version, tarEntry{name: "tree/groups/_all.ndjson", link: "/etc/passwd"}), "link"},
		{"BadAll", rawTar(t, version, tarEntry{name: "tree/groups/_all.ndjson", body: "{}\n"}), "Incorrect JSON format"},
		{"WrongID", rawTar(t, version, tarEntry{name: "tree/groups/_all.ndjson", body: "7\n"},
			tarEntry{name: "tree/groups/7.json", body: `{"id":8}`}), "Invalid group_id for 7"},
		{"GzipBomb", rawTar(t, version, tarEntry{name: "zeros", body: strings.Repeat("\x00", 3<<20)}),
			"Decompressed archive size validation failed."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g, st := groupImported(t, env, tt.data, map[string]string{"path": strings.ToLower(tt.name), "name": tt.name})
			if st.ImportStatus != "failed" || st.ImportError == nil || !strings.Contains(*st.ImportError, tt.wantError) {
				t.Errorf("status %s error %v, want failed with %q", st.ImportStatus, deref(st.ImportError), tt.wantError)
			}
			if n := len(subgroups(t, env, g.ID)); n != 0 {
				t.Errorf("%d sub-groups", n)
			}
			if left, _ := filepath.Glob(filepath.Join(env.DataDir, "tmp", "*", "group-import-*")); len(left) != 0 {
				t.Errorf("work folders left: %v", left)
			}
			if _, err := os.Stat(filepath.Join(env.DataDir, "escaped")); err == nil {
				t.Error("an entry escaped the work folder")
			}
		})
	}
}

// TestGroupImport_RetryStartsClean pins that an attempt killed half way
// (a sub-group created, records stored, the import started) leaves no
// duplicate once the import runs again in a new process.
func TestGroupImport_RetryStartsClean(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	first := servertest.StartWith(t, servertest.Options{DataDir: data, NoWork: true})
	archive := groupArchive(t, exportTree(t, "complex"))
	if status, body := importGroup(t, first, servertest.RootToken, archive, map[string]string{"path": "again", "name": "Again"}); status != 202 {
		t.Fatalf("%d %s", status, body)
	}
	ctx, db := t.Context(), first.Server.DB
	top, err := db.NamespaceByFullPath(ctx, "again")
	if err != nil {
		t.Fatal(err)
	}
	// What a killed attempt leaves.
	im, _ := db.GroupImportOf(ctx, top.ID)
	half := ferry.Namespace{Name: "pwip17beq7vl4nuwz9ie7bk8navpxj1w04zylmmjveab5bargr", Path: "pwip17beq7vl4nuwz9ie7bk8navpxj1w04zylmmjveab5bargr",
		ParentID: top.ID, Visibility: ferry.Private}
	err = db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateGroup(ctx, &half); err != nil {
			return err
		}
		im.Status, im.CreatedGroups = ferry.ImportStarted, []int64{half.ID}
		if err := tx.InsertGroupRelationRecords(ctx, top.ID, "labels", 0, []string{`{"title":"half"}`}); err != nil {
			return err
		}
		return tx.UpdateGroupImport(ctx, &im)
	})
	if err != nil {
		t.Fatal(err)
	}
	if db.Dialect() == store.SQLite {
		if _, err := db.SQL().Exec(`UPDATE river_job SET state = 'running', attempt = 1 WHERE kind = 'group_import'`); err != nil {
			t.Fatal(err)
		}
	}
	first.Server.Shutdown(ctx)
	second := servertest.StartWith(t, servertest.Options{DataDir: data, DatabaseURL: first.DatabaseURL})
	st := waitGroupImport(t, second, top.ID)
	if st.ImportStatus != "finished" {
		t.Fatalf("resumed import %s %s", st.ImportStatus, deref(st.ImportError))
	}
	if n := len(groupRecords(t, second, top.ID, "labels")); n != 10 {
		t.Errorf("%d labels after the retry, want 10", n)
	}
	if n := len(subgroups(t, second, top.ID)); n != 2 {
		t.Errorf("%d sub-groups after the retry, want 2", n)
	}
	if _, err := second.Server.DB.NamespaceByID(ctx, half.ID); err == nil {
		t.Error("the killed attempt's sub-group is still there")
	}
}

// groupImportScript imports a group archive with python-gitlab's
// gl.groups.import_group and prints the answer as JSON.
const groupImportScript = `
import json, sys, gitlab
gl = gitlab.Gitlab(sys.argv[1], private_token=sys.argv[2])
with open(sys.argv[3], "rb") as f:
    out = gl.groups.import_group(f, path="py-import", name="Py Import", parent_id=sys.argv[4])
print(json.dumps(out))
`

// TestGroupImport_PythonGitlab imports with python-gitlab 3.12's
// gl.groups.import_group into a parent group: 202 Accepted, and the
// group is imported.
func TestGroupImport_PythonGitlab(t *testing.T) {
	t.Parallel()
	python := needPythonGitlab(t)
	env := servertest.Start(t)
	parent, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("py"), Path: gitlab.Ptr("py")})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "group.tar.gz")
	if err := os.WriteFile(file, groupArchive(t, exportTree(t, "complex")), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", groupImportScript, env.URL, servertest.RootToken, file, itoa(parent.ID))
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != `{"message": "202 Accepted"}` {
		t.Errorf("import_group returned %s", got)
	}
	g, _, err := env.Root.Groups.GetGroup("py/py-import", nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := waitGroupImport(t, env, g.ID); st.ImportStatus != "finished" || st.Stats["groups"] != 3 {
		t.Errorf("import %s %v", st.ImportStatus, st.Stats)
	}
}

// TestGroupImport_LabelTitles pins GitLab's group ObjectBuilder: a label
// title repeated in labels.ndjson is stored once, and a board list's label
// the group does not hold becomes a group label.
func TestGroupImport_LabelTitles(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	tree := exportTree(t, "complex")
	var kept [][]byte
	for _, line := range bytes.Split(bytes.TrimSpace(tree["tree/groups/4351/labels.ndjson"]), []byte("\n")) {
		if !bytes.Contains(line, []byte(`"title":"TSL"`)) {
			kept = append(kept, line)
		}
	}
	kept = append(kept, kept[0]) // Bruffefunc twice
	tree["tree/groups/4351/labels.ndjson"] = append(bytes.Join(kept, []byte("\n")), '\n')
	g, st := groupImported(t, env, groupArchive(t, tree), map[string]string{"path": "titles", "name": "Titles"})
	if st.ImportStatus != "finished" {
		t.Fatalf("import %s %s", st.ImportStatus, deref(st.ImportError))
	}
	labels := groupRecords(t, env, g.ID, "labels")
	var titles []string
	for _, l := range labels {
		titles = append(titles, l["title"].(string))
	}
	if len(titles) != 10 || titles[0] != "Bruffefunc" || titles[9] != "TSL" || st.Stats["labels"] != 10 {
		t.Errorf("labels %v (stats %d), want the 9 unique ones then TSL", titles, st.Stats["labels"])
	}
}

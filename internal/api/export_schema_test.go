package api_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// startUnlimited starts a server without import and export rate limits.
func startUnlimited(t *testing.T) *servertest.Env {
	t.Helper()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0)),
		ProjectExportLimit: gitlab.Ptr(int64(0)), ProjectDownloadExportLimit: gitlab.Ptr(int64(0))})
	return env
}

// outsideSchema walks one JSON record of rel and returns each key GitLab's
// exporter would not write ("path.key"), and for each sub-relation walks
// its records in turn.
func outsideSchema(rel *archive.Relation, path string, v any) []string {
	var out []string
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			out = append(out, outsideSchema(rel, path, e)...)
		}
	case map[string]any:
		for k, child := range t {
			if c := rel.Child(k); c != nil {
				out = append(out, outsideSchema(c, path+"."+k, child)...)
			} else if !rel.Writes(k) {
				out = append(out, path+"."+k)
			}
		}
	}
	return out
}

// relationFiles checks every key of tree/project.json and of every record
// of every tree/project/<relation>.ndjson in files against GitLab's tree
// and allow-lists, and returns each relation's records.
func relationFiles(t *testing.T, files map[string][]byte) map[string][]map[string]any {
	t.Helper()
	var attrs map[string]any
	if err := json.Unmarshal(files["./tree/project.json"], &attrs); err != nil {
		t.Fatalf("tree/project.json: %v", err)
	}
	for k := range attrs {
		if !archive.ExportTree.Writes(k) {
			t.Errorf("tree/project.json has %s, which GitLab's exporter does not write", k)
		}
	}
	out := map[string][]map[string]any{}
	for name, b := range files {
		rel, ok := strings.CutPrefix(name, "./tree/project/")
		if !ok || rel == "" {
			continue
		}
		rel = strings.TrimSuffix(rel, ".ndjson")
		schema := archive.ExportTree.Child(rel)
		if schema == nil {
			t.Errorf("the export has %s, a relation GitLab no longer exports", name)
			continue
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("%s: %q: %v", name, line, err)
			}
			for _, k := range outsideSchema(schema, rel, rec) {
				t.Errorf("%s: %s is not written by GitLab's exporter", name, k)
			}
			out[rel] = append(out[rel], rec)
		}
	}
	return out
}

// fixtureOutsideSchema lists the distinct keys of GitLab's complex fixture
// that GitLab's current exporter does not write, relations it no longer
// exports included.
func fixtureOutsideSchema(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	dir := filepath.Join(fixtureDir(t), "tree", "project")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		rel := strings.TrimSuffix(e.Name(), ".ndjson")
		schema := archive.ExportTree.Child(rel)
		if schema == nil {
			seen[rel] = true
			continue
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			var rec any
			if json.Unmarshal(line, &rec) == nil {
				for _, k := range outsideSchema(schema, rel, rec) {
					seen[k] = true
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// TestProjectExport_GitLabSchemaOnly pins that an export holds only what
// GitLab's exporter writes: GitLab's fixture, full of keys and relations
// GitLab dropped long ago, is imported and exported, and every key of
// every exported record (and of tree/project.json) is in GitLab's tree and
// allow-lists. The store still holds the records as they came.
func TestProjectExport_GitLabSchemaOnly(t *testing.T) {
	t.Parallel()
	env := startUnlimited(t)
	outside := fixtureOutsideSchema(t)
	t.Logf("the fixture has %d keys and relations outside GitLab's export schema", len(outside))
	for _, want := range []string{"issues.notes.attachment", "issues.branch_name", "issues.position",
		"ci_pipelines.stages.statuses", "project_members.invite_token", "services", "triggers"} {
		if !contains(strings.Join(outside, " ")+" ", want+" ") {
			t.Errorf("the fixture no longer has %s outside the schema", want)
		}
	}
	bundle, _ := sourceRepo(t)
	id := importFinished(t, env, fixtureArchive(t, "0.2.4", map[string][]byte{"project.bundle": bundle}),
		map[string]string{"path": "legacy"})
	files := untar(t, exportArchive(t, env.Root, id))
	records := relationFiles(t, files)
	for _, rel := range []string{"issues", "merge_requests", "ci_pipelines", "labels", "milestones", "releases",
		"project_members", "project_feature", "ci_cd_settings", "protected_branches", "vulnerabilities"} {
		if len(records[rel]) == 0 {
			t.Errorf("the export lost %s", rel)
		}
	}
	stored := storedRelations(t, env, id)
	for rel, want := range map[string][]string{
		"issues":         {`"branch_name":`, `"position":`, `"attachment":`},
		"ci_pipelines":   {`"statuses":`},
		"services":       {`"type":`},
		"triggers":       {`"owner_id":`},
		"merge_requests": {`"merge_request_diff_files":`},
	} {
		joined := strings.Join(stored[rel], "\n")
		for _, w := range want {
			if !strings.Contains(joined, w) {
				t.Errorf("the store lost %s of %s: the export filters, the store keeps everything", w, rel)
			}
		}
	}
}

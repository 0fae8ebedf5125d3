package archive

import (
	"slices"
	"strings"
	"testing"
)

// relationAt follows a dotted path ("issues.notes.author") down ExportTree.
func relationAt(t *testing.T, path string) *Relation {
	t.Helper()
	r := ExportTree
	for name := range strings.SplitSeq(path, ".") {
		if r = r.Child(name); r == nil {
			t.Fatalf("no relation %s in the export tree", path)
		}
	}
	return r
}

// TestExportTree_Writes pins facts of GitLab's import_export.yml@55eb439f
// (CE and EE): which attributes its exporter writes and which it does not.
func TestExportTree_Writes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		path, key string
		want      bool
	}{
		{"", "description", true},
		{"", "default_branch", true}, // a method
		{"", "requirements_enabled", true},
		{"", "import_type", false},
		{"", "ci_config_path", false},
		{"", "deploy_keys", false},
		{"issues", "title", true},
		{"issues", "exported_work_item_type", true},
		{"issues", "branch_name", false},
		{"issues", "position", false},
		{"issues", "milestone_id", false},
		{"issues.notes", "note", true},
		{"issues.notes", "type", true},
		{"issues.notes", "attachment", false},
		{"issues.notes", "note_html", false},
		{"issues.notes.author", "name", true},
		{"issues.notes.author", "email", false},
		{"ci_pipelines", "push_data", false},
		{"ci_pipelines.stages.builds", "name", true},
		{"ci_pipelines.stages.builds", "commands", false},
		{"ci_pipelines.stages.builds", "options", false},
		{"ci_pipelines.stages.builds", "trace", false},
		{"ci_pipelines.stages.builds", "deploy", false},
		{"project_members", "access_level", true},
		{"project_members", "invite_token", false},
		{"project_members", "id", false},
		{"project_members.user", "public_email", true},
		{"project_members.user", "email", false},
		{"merge_requests.merge_request_diff.merge_request_diff_files", "utf8_diff", true},
		{"merge_requests.merge_request_diff.merge_request_diff_files", "diff", false},
		// No included_attributes: every attribute but the excluded ones.
		{"commit_notes", "attachment", true},
		{"commit_notes", "noteable_id", false},
		{"commit_notes", "type", true},
		{"releases.milestone_releases", "milestone_id", false},
		{"releases.milestone_releases", "anything", true},
	} {
		t.Run(tt.path+"/"+tt.key, func(t *testing.T) {
			r := ExportTree
			if tt.path != "" {
				r = relationAt(t, tt.path)
			}
			if got := r.Writes(tt.key); got != tt.want {
				t.Errorf("Writes(%q) = %v, want %v", tt.key, got, tt.want)
			}
		})
	}
}

// TestExportTree_Relations pins the tree: GitLab's order of the
// top-level relations, EE ones merged in, and relations GitLab no longer
// exports left out.
func TestExportTree_Relations(t *testing.T) {
	t.Parallel()
	var names []string
	for _, c := range ExportTree.Children {
		names = append(names, c.Name)
	}
	if names[0] != "labels" || names[1] != "milestones" || names[2] != "issues" {
		t.Errorf("order starts %v", names[:3])
	}
	for _, want := range []string{"project_members", "merge_requests", "ci_pipelines", "project_feature",
		"ci_cd_settings", "protected_environments", "vulnerabilities", "push_rule"} {
		if !slices.Contains(names, want) {
			t.Errorf("tree lacks %s", want)
		}
	}
	for _, gone := range []string{"services", "triggers", "deploy_keys", "hooks", "prometheus_metrics",
		"design_management_repository"} {
		if slices.Contains(names, gone) {
			t.Errorf("tree has %s, which GitLab no longer exports", gone)
		}
	}
	for _, path := range []string{"issues.epic_issue.epic", "protected_branches.unprotect_access_levels",
		"merge_requests.merge_request_diff.merge_request_diff_commits.merge_request_commits_metadata.committer"} {
		relationAt(t, path)
	}
	if ExportTree.Child("ci_pipelines").Child("stages").Child("statuses") != nil {
		t.Error("stages.statuses is import-only")
	}
	if !strings.HasSuffix(SchemaSource, "@55eb439f6bfb82a732d86ac171ba99e29e1e6a88") {
		t.Errorf("SchemaSource %s", SchemaSource)
	}
}

package exporter

import (
	"context"
	"encoding/json"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/git"
)

// visibilityLevels are GitLab's numeric visibility_level values.
var visibilityLevels = map[string]int{ferry.Private: 0, ferry.Internal: 10, ferry.Public: 20}

// projectDefaults are the tree/project.json attributes of a new GitLab
// project (the column defaults of GitLab's projects table and project
// settings, and its methods' answers), written for what neither Ferry nor
// an imported archive says.
var projectDefaults = map[string]any{
	"approvals_before_merge": 0, "archived": false, "auto_cancel_pending_pipelines": "enabled",
	"autoclose_referenced_issues": true, "build_allow_git_fetch": true, "build_timeout": 3600,
	"has_external_issue_tracker": false, "has_external_wiki": false,
	"merge_requests_ff_only_enabled": false, "merge_requests_rebase_enabled": false,
	"only_allow_merge_if_all_discussions_are_resolved": false, "only_allow_merge_if_pipeline_succeeds": false,
	"pending_delete": false, "printing_merge_request_link_enabled": true, "public_builds": true,
	"remove_source_branch_after_merge": true, "request_access_enabled": true, "reset_approvals_on_push": true,
	"resolve_outdated_diff_discussions": false, "shared_runners_enabled": true,
	"allow_merge_on_skipped_pipeline": nil, "squash_option": "default_off",
	"merge_commit_template": nil, "squash_commit_template": nil,
}

// projectAttributes is tree/project.json: GitLab's defaults, the imported
// attributes over them, and the values Ferry holds now over those, with
// only the attributes GitLab's exporter writes.
func (w *Worker) projectAttributes(ctx context.Context, p ferry.Project, e *ferry.Export) ([]byte, error) {
	stored, err := w.DB.ProjectAttributes(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	attrs := map[string]any{}
	for k, v := range projectDefaults {
		attrs[k] = v
	}
	for k, v := range stored {
		attrs[k] = v
	}
	attrs["description"] = p.Description
	if e.Description != nil {
		attrs["description"] = *e.Description
	}
	attrs["name"] = p.Name
	attrs["visibility_level"] = visibilityLevels[p.Visibility]
	if attrs["default_branch"], err = w.defaultBranch(ctx, p); err != nil {
		return nil, err
	}
	b, err := json.Marshal(attrs)
	if err != nil {
		return nil, err
	}
	return archive.ExportTree.FilterAttributes(nil, b)
}

// defaultBranch is GitLab's Project#default_branch: the repository's HEAD
// branch, or for an empty repository the branch it starts on. A project
// whose repository cannot be read fails its export here, rather than
// being exported without its code.
func (w *Worker) defaultBranch(ctx context.Context, p ferry.Project) (string, error) {
	if _, err := git.HasCommits(ctx, w.Repos.Dir(p.ID)); err != nil {
		return "", err
	}
	if p.DefaultBranch == "" {
		return "main", nil
	}
	return p.DefaultBranch, nil
}

// GitLab's feature access levels (Featurable).
const (
	featurePrivate = 10
	featureEnabled = 20
)

// defaultRecords make the single relations every GitLab project has, for
// a project whose store has none (one made in Ferry, or imported from an
// archive without them): GitLab's defaults for a new project.
var defaultRecords = map[string]func(p ferry.Project) []byte{
	"project_feature": defaultFeature,
	"ci_cd_settings":  defaultCICD,
}

// defaultFeature is project_feature as GitLab's ProjectFeature starts:
// every feature enabled, metrics dashboard and security private, pages
// enabled on public projects and private otherwise.
func defaultFeature(p ferry.Project) []byte {
	rec := map[string]any{"project_id": p.ID, "created_at": p.CreatedAt.UTC().Format(gitlabTime),
		"updated_at":                     p.UpdatedAt.UTC().Format(gitlabTime),
		"metrics_dashboard_access_level": featurePrivate, "security_and_compliance_access_level": featurePrivate,
		"pages_access_level": featurePrivate}
	if p.Visibility == ferry.Public {
		rec["pages_access_level"] = featureEnabled
	}
	for _, f := range []string{"builds", "issues", "forking", "merge_requests", "snippets", "wiki", "repository",
		"analytics", "operations", "monitor", "infrastructure", "feature_flags", "environments", "releases",
		"model_experiments", "model_registry", "package_registry", "container_registry", "requirements"} {
		rec[f+"_access_level"] = featureEnabled
	}
	b, _ := json.Marshal(rec)
	return b
}

// defaultCICD is ci_cd_settings as GitLab's ProjectCiCdSetting starts
// (enumerations are left to the importing side's defaults).
func defaultCICD(ferry.Project) []byte {
	b, _ := json.Marshal(map[string]any{"group_runners_enabled": true, "default_git_depth": 20,
		"forward_deployment_enabled": true, "forward_deployment_rollback_allowed": true, "separated_caches": true,
		"keep_latest_artifact": true, "job_token_scope_enabled": false, "inbound_job_token_scope_enabled": true,
		"allow_fork_pipelines_to_run_in_parent_project": true, "merge_trains_skip_train_allowed": false,
		"id_token_sub_claim_components": []string{"project_path", "ref_type", "ref"}})
	return b
}

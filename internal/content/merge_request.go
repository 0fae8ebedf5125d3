package content

import (
	"context"

	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/store"
)

// MergeRequest is GitLab's MergeRequestBasic entity. Its source project
// is the project, as GitLab's importer (MergeRequestParser) makes it for
// a merge request from a fork too. (what lists show; a
// single merge request shows it too, as Ferry keeps no diffs or
// pipelines to add).
type MergeRequest struct {
	Issuable
	MergedBy                    *UserBasic     `json:"merged_by"`
	MergeUser                   *UserBasic     `json:"merge_user"`
	MergedAt                    *string        `json:"merged_at"`
	ClosedBy                    *UserBasic     `json:"closed_by"`
	ClosedAt                    *string        `json:"closed_at"`
	TargetBranch                string         `json:"target_branch"`
	SourceBranch                string         `json:"source_branch"`
	UserNotesCount              int64          `json:"user_notes_count"`
	Upvotes                     int64          `json:"upvotes"`
	Downvotes                   int64          `json:"downvotes"`
	Author                      *UserBasic     `json:"author"`
	Assignees                   []UserBasic    `json:"assignees"`
	Assignee                    *UserBasic     `json:"assignee"`
	Reviewers                   []UserBasic    `json:"reviewers"`
	SourceProjectID             int64          `json:"source_project_id"`
	TargetProjectID             int64          `json:"target_project_id"`
	Labels                      any            `json:"labels"` // titles, or []LabelBasic
	Draft                       bool           `json:"draft"`
	Imported                    bool           `json:"imported"`
	ImportedFrom                string         `json:"imported_from"`
	WorkInProgress              bool           `json:"work_in_progress"`
	Milestone                   *Milestone     `json:"milestone"`
	MergeWhenPipelineSucceeds   bool           `json:"merge_when_pipeline_succeeds"`
	MergeStatus                 string         `json:"merge_status"`
	DetailedMergeStatus         string         `json:"detailed_merge_status"`
	MergeAfter                  *string        `json:"merge_after"`
	SHA                         *string        `json:"sha"`
	MergeCommitSHA              *string        `json:"merge_commit_sha"`
	SquashCommitSHA             *string        `json:"squash_commit_sha"`
	DiscussionLocked            *bool          `json:"discussion_locked"`
	ShouldRemoveSourceBranch    *bool          `json:"should_remove_source_branch"`
	ForceRemoveSourceBranch     bool           `json:"force_remove_source_branch"`
	PreparedAt                  *string        `json:"prepared_at"`
	Reference                   string         `json:"reference"`
	References                  References     `json:"references"`
	WebURL                      string         `json:"web_url"`
	TimeStats                   TimeStats      `json:"time_stats"`
	Squash                      bool           `json:"squash"`
	SquashOnMerge               bool           `json:"squash_on_merge"`
	TaskCompletionStatus        TaskCompletion `json:"task_completion_status"`
	HasConflicts                bool           `json:"has_conflicts"`
	BlockingDiscussionsResolved bool           `json:"blocking_discussions_resolved"`
}

// MergeRequestDetail is GitLab's MergeRequest entity, what GET of one
// merge request shows: Ferry keeps no pipelines, so they are null.
type MergeRequestDetail struct {
	MergeRequest
	Subscribed                  bool     `json:"subscribed"`
	ChangesCount                *string  `json:"changes_count"`
	LatestBuildStartedAt        *string  `json:"latest_build_started_at"`
	LatestBuildFinishedAt       *string  `json:"latest_build_finished_at"`
	FirstDeployedToProductionAt *string  `json:"first_deployed_to_production_at"`
	Pipeline                    any      `json:"pipeline"`
	HeadPipeline                any      `json:"head_pipeline"`
	DiffRefs                    DiffRefs `json:"diff_refs"`
	MergeError                  *string  `json:"merge_error"`
	FirstContribution           bool     `json:"first_contribution"`
	User                        struct {
		CanMerge bool `json:"can_merge"`
	} `json:"user"`
}

// DiffRefs is GitLab's DiffRefs entity.
type DiffRefs struct {
	BaseSHA  *string `json:"base_sha"`
	HeadSHA  *string `json:"head_sha"`
	StartSHA *string `json:"start_sha"`
}

// detail shows row as one merge request; one who may push may merge it.
func (r *Reader) detail(ctx context.Context, l *lookups, v Viewer, row store.Issuable) (MergeRequestDetail, error) {
	mr, err := r.mergeRequest(ctx, l, row)
	sum := row.Summary
	d := MergeRequestDetail{MergeRequest: mr, ChangesCount: nonEmpty(sum.ChangesCount),
		DiffRefs:   DiffRefs{BaseSHA: nonEmpty(sum.BaseSHA), HeadSHA: nonEmpty(sum.HeadSHA), StartSHA: nonEmpty(sum.StartSHA)},
		MergeError: nonEmpty(sum.MergeError)}
	d.User.CanMerge = auth.CanPushCode(v.User, v.Level)
	return d, err
}

func (r *Reader) mergeRequest(ctx context.Context, l *lookups, row store.Issuable) (MergeRequest, error) {
	p, err := l.project(ctx, row.ProjectID)
	if err != nil {
		return MergeRequest{}, err
	}
	sum, refs := row.Summary, references(p, "!", row.IID)
	e := MergeRequest{Issuable: issuable(row, row.State), MergedAt: timeText(sum.MergedAt),
		ClosedAt: timeText(sum.LatestClosedAt), TargetBranch: row.TargetBranch, SourceBranch: row.SourceBranch,
		UserNotesCount: row.UserNotes, Upvotes: row.Upvotes, Downvotes: row.Downvotes, Reviewers: []UserBasic{},
		SourceProjectID: p.ID, TargetProjectID: p.ID, Labels: sorted(row.Labels), Draft: draft(row.Title),
		Imported: true, ImportedFrom: ImportedFrom, WorkInProgress: draft(row.Title),
		MergeWhenPipelineSucceeds: sum.MergeWhenPipelineSucceeds, MergeStatus: mergeStatus(sum.MergeStatus),
		SHA: nonEmpty(sum.DiffHeadSHA), MergeCommitSHA: nonEmpty(sum.MergeCommitSHA),
		SquashCommitSHA: nonEmpty(sum.SquashCommitSHA), DiscussionLocked: sum.DiscussionLocked,
		ForceRemoveSourceBranch: sum.ForceRemoveSourceBranch, Reference: refs.Short, References: refs,
		WebURL: r.base + "/" + p.FullPath() + "/-/merge_requests/" + itoa(row.IID), TimeStats: timeStats(sum),
		Squash: sum.Squash, SquashOnMerge: sum.Squash, BlockingDiscussionsResolved: true}
	e.DetailedMergeStatus = detailedMergeStatus(e)
	if e.Milestone, err = l.milestone(ctx, p, row.Milestone); err != nil {
		return e, err
	}
	if e.MergedBy, err = l.user(ctx, sum.MergedByID); err != nil {
		return e, err
	}
	if e.ClosedBy, err = l.user(ctx, sum.LatestClosedByID); err != nil {
		return e, err
	}
	e.MergeUser = e.MergedBy
	if e.MergeUser == nil {
		if e.MergeUser, err = l.user(ctx, sum.MergeUserID); err != nil {
			return e, err
		}
	}
	e.Author, e.Assignees, e.Assignee, err = l.people(ctx, row)
	return e, err
}

// mergeStatus is GitLab's public_merge_status: a check in progress shows
// as checking.
func mergeStatus(s string) string {
	switch s {
	case "":
		return "unchecked"
	case "cannot_be_merged_rechecking":
		return "checking"
	}
	return s
}

// detailedMergeStatus is what GitLab's DetailedMergeStatusService answers
// for a merge request Ferry cannot merge or check: the merge status while
// unchecked, else the first failing check (open, draft, conflicts).
func detailedMergeStatus(e MergeRequest) string {
	switch {
	case e.MergeStatus == "unchecked" || e.MergeStatus == "checking":
		return e.MergeStatus
	case e.State != "opened":
		return "not_open"
	case e.Draft:
		return "draft_status"
	case e.MergeStatus == "cannot_be_merged":
		return "conflict"
	}
	return "mergeable"
}

// MergeRequestSimple is GitLab's MergeRequestSimple entity, what lists
// show with view=simple.
type MergeRequestSimple struct {
	Issuable
	WebURL string `json:"web_url"`
}

// Simple shows merge requests as MergeRequestSimple.
func Simple(mrs []MergeRequest) []MergeRequestSimple {
	out := make([]MergeRequestSimple, len(mrs))
	for i, mr := range mrs {
		out[i] = MergeRequestSimple{Issuable: mr.Issuable, WebURL: mr.WebURL}
	}
	return out
}

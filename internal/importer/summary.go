package importer

import (
	"strings"

	"github.com/ferryhq/ferry/internal/store"
)

// summary reads what the API shows of an issue or merge request beyond
// its index columns (store.IssuableSummary) from the record being
// prepared, in place.
func (r *restore) summary(in *record) store.IssuableSummary {
	s := store.IssuableSummary{
		ClosedAt: timeField(in, "closed_at"), ClosedByID: r.userField(in, in.top, "closed_by_id"),
		IssueType: issueType(in), TimeEstimate: in.intField("time_estimate"),
		MergeStatus: in.stringField("merge_status"), MergeWhenPipelineSucceeds: in.trueField("merge_when_pipeline_succeeds"),
		DiffHeadSHA: in.stringField("diff_head_sha"), MergeCommitSHA: in.stringField("merge_commit_sha"),
		SquashCommitSHA: in.stringField("squash_commit_sha"), Squash: in.trueField("squash"),
		MergeUserID: r.userField(in, in.top, "merge_user_id"),
	}
	if i, ok := in.field("description"); !ok || in.in[i] == 'n' {
		s.NoDescription = true
	}
	if i, ok := in.field("discussion_locked"); ok && in.in[i] != 'n' {
		locked := in.in[i] == 't'
		s.DiscussionLocked = &locked
	}
	in.eachObject("timelogs", func(from, to int) {
		if i, ok := in.lookup(from, to, "time_spent"); ok {
			s.TotalTimeSpent += in.intAt(i)
		}
	})
	if i, ok := in.field("merge_params"); ok {
		if j, ok := in.objectField(i, "force_remove_source_branch"); ok {
			v, _ := in.stringAt(j)
			s.ForceRemoveSourceBranch = in.in[j] == 't' || v == "1" || v == "true"
		}
	}
	r.metrics(in, &s)
	diff(in, &s)
	return s
}

// diff reads what a merge request's diff tells of it: its size (GitLab's
// real_size) and the commits it compares.
func diff(in *record, s *store.IssuableSummary) {
	s.MergeError = in.stringField("merge_error")
	in.withObject("merge_request_diff", func(m [2]int) {
		in.readStrings(m, map[string]*string{"real_size": &s.ChangesCount, "base_commit_sha": &s.BaseSHA,
			"head_commit_sha": &s.HeadSHA, "start_commit_sha": &s.StartSHA})
	})
}

// metrics reads a merge request's metrics: who merged or closed it, when.
func (r *restore) metrics(in *record, s *store.IssuableSummary) {
	in.withObject("metrics", func(m [2]int) {
		s.MergedByID, s.LatestClosedByID = r.userField(in, m, "merged_by_id"), r.userField(in, m, "latest_closed_by_id")
		in.readStrings(m, map[string]*string{"merged_at": &s.MergedAt, "latest_closed_at": &s.LatestClosedAt})
	})
	s.MergedAt, s.LatestClosedAt = utcOrEmpty(s.MergedAt), utcOrEmpty(s.LatestClosedAt)
}

func timeField(in *record, key string) string { return utcOrEmpty(in.stringField(key)) }

func utcOrEmpty(s string) string {
	if s == "" {
		return ""
	}
	return store.UTCText(s)
}

// issueTypes are the work item types an issue can have.
var issueTypes = map[string]bool{"issue": true, "incident": true, "test_case": true, "requirement": true,
	"task": true, "objective": true, "key_result": true, "ticket": true}

// issueType is an issue's type as GitLab's importer sets it: the work
// item type's base type, or the type its name names, or issue_type; an
// unknown type is issue.
func issueType(in *record) string {
	if i, ok := in.field("work_item_type"); ok {
		for _, key := range []string{"base_type", "name"} {
			if j, ok := in.objectField(i, key); ok {
				v, _ := in.stringAt(j)
				if v = strings.ReplaceAll(strings.ToLower(v), " ", "_"); issueTypes[v] {
					return v
				}
			}
		}
	}
	if t := in.stringField("issue_type"); issueTypes[t] {
		return t
	}
	return "issue"
}

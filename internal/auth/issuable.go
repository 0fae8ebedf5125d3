package auth

import (
	"slices"

	"github.com/ferryhq/ferry"
)

// CanReadConfidential reports whether a caller with level on a project
// sees all its confidential issues and internal notes (GitLab's
// read_confidential_issues and read_internal_note: Reporter and above).
func CanReadConfidential(u *ferry.User, level ferry.AccessLevel) bool {
	return IsAdmin(u) || level >= ferry.Reporter
}

// CanReadIssue reports whether a caller who may read a project sees one
// of its issues: a confidential one only with CanReadConfidential, or as
// its author or one of its assignees (GitLab's IssuePolicy).
func CanReadIssue(u *ferry.User, level ferry.AccessLevel, confidential bool, authorID int64, assigneeIDs []int64) bool {
	if !confidential || CanReadConfidential(u, level) {
		return true
	}
	return u != nil && (u.ID == authorID || slices.Contains(assigneeIDs, u.ID))
}

package auth

import "github.com/ferryhq/ferry"

// Rules of who may do what, as GitLab's policies decide them. Levels come
// from Access, where administrators are Owner everywhere.

// CanRemove reports whether a caller with level on a project or a group
// may delete it (GitLab's remove_project and remove_group: Owner).
func CanRemove(level ferry.AccessLevel) bool { return level >= ferry.Owner }

// CanAdminGroup reports whether a caller with level on a group sees what
// GitLab shows those who administer it (admin_group: Owner).
func CanAdminGroup(level ferry.AccessLevel) bool { return level >= ferry.Owner }

// CanReadNamespace reports whether u may read namespace n through GET
// /namespaces/:id, given u's level on it when it is a group (GitLab's
// read_namespace: any membership of a group, the owner of a personal
// namespace, administrators).
func CanReadNamespace(u *ferry.User, n ferry.Namespace, level ferry.AccessLevel) bool {
	if n.IsGroup() {
		return level >= ferry.Guest
	}
	return u != nil && (u.IsAdmin || n.OwnerID == u.ID)
}

// IsAdmin reports whether u is an administrator: only they manage users,
// feature flags, application settings and every user's tokens.
func IsAdmin(u *ferry.User) bool { return u != nil && u.IsAdmin }

// CanManageTokensOf reports whether u may list and revoke the personal
// access tokens of the user with userID: their own, or anyone's for an
// administrator.
func CanManageTokensOf(u *ferry.User, userID int64) bool {
	return u != nil && (u.IsAdmin || u.ID == userID)
}

// CanAdminProject reports whether a caller with level on a project may
// administer it, as GitLab's admin_project (Maintainer) decides: reading
// its protected tags (manage_protected_tags) among other things.
func CanAdminProject(level ferry.AccessLevel) bool { return level >= ferry.Maintainer }

// ReadsCode reports whether a caller with level on a project of
// visibility, who can see the project, may read its code and what
// describes it, such as protected branches (read_code): any reader of a
// public or internal project, a Reporter of a private one. CanReadCode
// adds the visibility check.
func ReadsCode(level ferry.AccessLevel, visibility string) bool {
	return visibility != ferry.Private || level >= ferry.Reporter
}

// CanReadBuilds reports whether a caller with level on a project of
// visibility may read its pipelines and jobs (read_pipeline, read_build):
// as CanReadCode.
func CanReadBuilds(level ferry.AccessLevel, visibility string) bool {
	return ReadsCode(level, visibility)
}

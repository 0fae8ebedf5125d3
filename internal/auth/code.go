package auth

import "github.com/ferryhq/ferry"

// CanDownloadCode reports whether a caller with level may clone a project
// of visibility and fetch its LFS objects (GitLab's download_code): anyone
// on a public project, any signed-in user on an internal one, Reporter and
// above on a private one.
func CanDownloadCode(u *ferry.User, level ferry.AccessLevel, visibility string) bool {
	return CanRead(u, level, visibility) && (visibility != ferry.Private || level >= ferry.Reporter)
}

// CanPushCode reports whether a signed-in caller with level may push
// (GitLab's push_code: Developer and above).
func CanPushCode(u *ferry.User, level ferry.AccessLevel) bool {
	return u != nil && level >= ferry.Developer
}

// CanAdminUploads reports whether a caller with level may list and fetch
// a project's uploads through the API (GitLab's admin_upload: Maintainer).
func CanAdminUploads(level ferry.AccessLevel) bool { return level >= ferry.Maintainer }

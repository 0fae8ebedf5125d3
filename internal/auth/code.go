package auth

import "github.com/ferryhq/ferry"

// CanPushCode reports whether a signed-in caller with level may push
// (GitLab's push_code: Developer and above).
func CanPushCode(u *ferry.User, level ferry.AccessLevel) bool {
	return u != nil && level >= ferry.Developer
}

// CanAdminUploads reports whether a caller with level may list and fetch
// a project's uploads through the API (GitLab's admin_upload: Maintainer).
func CanAdminUploads(level ferry.AccessLevel) bool { return level >= ferry.Maintainer }

// CanReadClusters reports whether a caller with level may list a
// project's cluster agents (GitLab's read_cluster: Developer and above).
func CanReadClusters(level ferry.AccessLevel) bool { return level >= ferry.Developer }

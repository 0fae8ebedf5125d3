package ratelimit

// GitLab's limiter keys of group export (lib/api/group_export.rb).
const (
	GroupExport         = "group_export"
	GroupDownloadExport = "group_download_export"
)

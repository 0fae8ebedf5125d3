package ferry

// Settings are the instance-wide application settings an administrator reads
// and changes through GET/PUT /application/settings. Field names and JSON
// keys are GitLab's; sizes are in MiB and 0 means unlimited; rate limits are
// requests per minute and 0 turns a limit off.
type Settings struct {
	DefaultProjectVisibility                  string   `json:"default_project_visibility"`
	DefaultGroupVisibility                    string   `json:"default_group_visibility"`
	ImportSources                             []string `json:"import_sources"`
	MaxImportSize                             int      `json:"max_import_size"`
	MaxExportSize                             int      `json:"max_export_size"`
	MaxImportRemoteFileSize                   int      `json:"max_import_remote_file_size"`
	MaxDecompressedArchiveSize                int      `json:"max_decompressed_archive_size"`
	DecompressArchiveFileTimeout              int      `json:"decompress_archive_file_timeout"`
	ProjectExportEnabled                      bool     `json:"project_export_enabled"`
	AllowLocalRequestsFromWebHooksAndServices bool     `json:"allow_local_requests_from_web_hooks_and_services"`
	OutboundLocalRequestsWhitelist            []string `json:"outbound_local_requests_whitelist"`
	ProjectExportLimit                        int      `json:"project_export_limit"`
	ProjectImportLimit                        int      `json:"project_import_limit"`
	ProjectDownloadExportLimit                int      `json:"project_download_export_limit"`
}

// DefaultSettings are GitLab's defaults, except that the project import
// source is enabled (Ferry exists to import).
func DefaultSettings() Settings {
	return Settings{
		DefaultProjectVisibility:       Private,
		DefaultGroupVisibility:         Private,
		ImportSources:                  []string{"gitlab_project"},
		MaxImportRemoteFileSize:        10240,
		MaxDecompressedArchiveSize:     25600,
		DecompressArchiveFileTimeout:   210,
		ProjectExportEnabled:           true,
		OutboundLocalRequestsWhitelist: []string{},
		ProjectExportLimit:             6,
		ProjectImportLimit:             6,
		ProjectDownloadExportLimit:     1,
	}
}

// Validate checks every field. Returns a *ParamError (wrapping ErrInvalid)
// naming the first bad one.
func (s Settings) Validate() error {
	nonNegative := []struct {
		name string
		v    int
	}{
		{"max_import_size", s.MaxImportSize},
		{"max_export_size", s.MaxExportSize},
		{"max_import_remote_file_size", s.MaxImportRemoteFileSize},
		{"max_decompressed_archive_size", s.MaxDecompressedArchiveSize},
		{"decompress_archive_file_timeout", s.DecompressArchiveFileTimeout},
		{"project_export_limit", s.ProjectExportLimit},
		{"project_import_limit", s.ProjectImportLimit},
		{"project_download_export_limit", s.ProjectDownloadExportLimit},
	}
	for _, f := range nonNegative {
		if f.v < 0 {
			return &ParamError{Param: f.name, Reason: "must be greater than or equal to 0"}
		}
	}
	if !ValidVisibility(s.DefaultProjectVisibility) {
		return &ParamError{Param: "default_project_visibility", Reason: "does not have a valid value"}
	}
	if !ValidVisibility(s.DefaultGroupVisibility) {
		return &ParamError{Param: "default_group_visibility", Reason: "does not have a valid value"}
	}
	for _, src := range s.ImportSources {
		if !knownImportSources[src] {
			return &ParamError{Param: "import_sources", Reason: "does not have a valid value"}
		}
	}
	return nil
}

var knownImportSources = map[string]bool{
	"github": true, "bitbucket": true, "bitbucket_server": true, "fogbugz": true,
	"git": true, "gitlab_project": true, "gitea": true, "manifest": true,
}

// ImportSourceEnabled reports whether the named import source is on.
func (s Settings) ImportSourceEnabled(name string) bool {
	for _, src := range s.ImportSources {
		if src == name {
			return true
		}
	}
	return false
}

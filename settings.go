package ferry

import (
	"errors"
	"math"
	"strconv"
	"time"
)

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
	GroupExportLimit                          int      `json:"group_export_limit"`
	GroupImportLimit                          int      `json:"group_import_limit"`
	GroupDownloadExportLimit                  int      `json:"group_download_export_limit"`
	// DeletionAdjournedPeriod is how many days a group marked for deletion
	// is kept before it is removed (GitLab: 1 to 90, default 7).
	DeletionAdjournedPeriod int `json:"deletion_adjourned_period"`
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
		GroupExportLimit:               6,
		GroupImportLimit:               6,
		GroupDownloadExportLimit:       1,
		DeletionAdjournedPeriod:        7,
	}
}

// MaxSettingValue is the largest number a size, timeout or rate limit
// setting holds: GitLab keeps them in integer (int4) columns, so a larger
// value is never a setting there (Ferry refuses it with the numericality
// message GitLab's validations use, rather than GitLab's database error).
const MaxSettingValue = math.MaxInt32

// Validate checks every field. Returns a *ParamError (wrapping ErrInvalid)
// for a value Grape's declared values refuse (visibility, import
// sources), else errors.Join of a *ValidationError for each number out of
// range (below 0, as GitLab's application_setting validations, or above
// MaxSettingValue).
func (s Settings) Validate() error {
	numbers := []struct {
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
		{"group_export_limit", s.GroupExportLimit},
		{"group_import_limit", s.GroupImportLimit},
		{"group_download_export_limit", s.GroupDownloadExportLimit},
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
	var errs []error
	if s.DeletionAdjournedPeriod < 1 || s.DeletionAdjournedPeriod > 90 {
		reason := "must be greater than or equal to 1"
		if s.DeletionAdjournedPeriod > 90 {
			reason = "must be less than or equal to 90"
		}
		errs = append(errs, &ValidationError{Field: "deletion_adjourned_period", Reason: reason})
	}
	for _, f := range numbers {
		if err := SettingRange(f.name, int64(f.v)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// SettingRange checks one number setting against 0..MaxSettingValue.
// Returns a *ValidationError with GitLab's numericality message.
func SettingRange(name string, v int64) error {
	switch {
	case v < 0:
		return &ValidationError{Field: name, Reason: "must be greater than or equal to 0"}
	case v > MaxSettingValue:
		return &ValidationError{Field: name, Reason: "must be less than or equal to " + strconv.Itoa(MaxSettingValue)}
	}
	return nil
}

// MiB is a size setting in bytes (0 for 0 or less: unlimited). A value
// too large for int64 bytes saturates rather than wrapping, whatever was
// stored.
func MiB(n int) int64 {
	switch {
	case n <= 0:
		return 0
	case int64(n) > math.MaxInt64>>20:
		return math.MaxInt64
	}
	return int64(n) << 20
}

// Seconds is a timeout setting as a duration (0 for 0 or less: none),
// saturating like MiB.
func Seconds(n int) time.Duration {
	switch {
	case n <= 0:
		return 0
	case int64(n) > int64(math.MaxInt64/time.Second):
		return math.MaxInt64
	}
	return time.Duration(n) * time.Second
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

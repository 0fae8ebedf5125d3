package ferry

import "time"

// Import states, as GitLab's import state machine.
const (
	ImportNone      = "none"
	ImportScheduled = "scheduled"
	ImportStarted   = "started"
	ImportFinished  = "finished"
	ImportFailed    = "failed"
)

// Import sources.
const (
	SourceFile = "file"
	SourceURL  = "url"
	SourceS3   = "s3"
)

// Import is the import of a GitLab export archive into a project.
type Import struct {
	ProjectID     int64
	UserID        int64
	Status        string
	CorrelationID string
	// Error is the import_error: why the import failed, "" when it did not.
	Error string
	// Source says where the archive comes from; UploadKey is the stored
	// archive (file imports) and SourceData the sealed details of a remote
	// source.
	Source     string
	UploadKey  string
	SourceData string
	// OverwriteID is the project this import replaces when it finishes (0
	// for none); OriginalName and OriginalPath are what the new project is
	// renamed to then.
	OverwriteID    int64
	OriginalName   string
	OriginalPath   string
	OverrideParams map[string]string
	Stats          ImportStats
	// Progress is the running step, nil before the first.
	Progress *Progress
	// Attempts is the attempt of the import's job that runs or ran last.
	Attempts  int
	CreatedAt time.Time
	UpdatedAt time.Time
	// StartedAt is when the import's first attempt began, FinishedAt when
	// it finished or failed (nil until then); the store keeps them as the
	// status moves.
	StartedAt  *time.Time
	FinishedAt *time.Time
}

// Ended reports whether the import finished or failed.
func (im Import) Ended() bool { return im.Status == ImportFinished || im.Status == ImportFailed }

// ImportCancelled is the import_error of an import an administrator
// cancelled.
const ImportCancelled = "Import cancelled by an administrator"

// FailedImportKeep is how long a failed import keeps its uploaded archive,
// so that an administrator can retry it (POST
// /api/v4/ferry/jobs/imports/:id/retry); then it is deleted.
const FailedImportKeep = 24 * time.Hour

// ImportStats counts records per relation: read from the archive and
// stored.
type ImportStats struct {
	Fetched  map[string]int64 `json:"fetched"`
	Imported map[string]int64 `json:"imported"`
}

// ImportFailure is a record that could not be restored (GitLab's
// failed_relations entry).
type ImportFailure struct {
	ID               int64
	ProjectID        int64
	CorrelationID    string
	RelationName     string
	LineNumber       int
	ExceptionClass   string
	ExceptionMessage string
	Source           string
	CreatedAt        time.Time
}

// DroppedImport is what stays of an overwriting import that failed for
// good once its temporary project was removed (nothing of a failed
// overwrite stays at <path>-<suffix>): the project as it was and the
// import, so that whoever started it still reads why it failed.
type DroppedImport struct {
	// Project is the removed temporary project, its Name the requested
	// name and its Namespace's FullPath and FullName filled.
	Project   Project
	Import    Import
	DroppedAt time.Time
}

// DroppedImportLifetime is how long a dropped import's status stays.
const DroppedImportLifetime = 30 * 24 * time.Hour

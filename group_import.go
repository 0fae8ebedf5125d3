package ferry

import "time"

// GroupImportCreated is the state of a group import whose job is not yet
// queued (GitLab's group_import_states start there); the others are the
// project import's: ImportScheduled, ImportStarted, ImportFinished and
// ImportFailed.
const GroupImportCreated = "created"

// GroupImport is the state of a group's import from an uploaded archive,
// as GitLab's group_import_states keeps it, with what Ferry adds: the
// attempts, the per-relation counts, the sub-groups an attempt created
// (removed again when an attempt starts over) and what failed.
type GroupImport struct {
	GroupID       int64
	UserID        int64
	Status        string
	Error         string
	Attempts      int
	UploadKey     string
	CorrelationID string
	// CreatedGroups are the sub-groups the current attempt created.
	CreatedGroups []int64
	// Stats counts the records imported per relation ("groups" and
	// "members" included).
	Stats     map[string]int64
	Failures  []GroupImportFailure
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Ended reports whether the import finished or failed.
func (im GroupImport) Ended() bool { return im.Status == ImportFinished || im.Status == ImportFailed }

// GroupImportFailure is one record or sub-group a group import could not
// restore (GitLab's import_failures of the group).
type GroupImportFailure struct {
	RelationName     string `json:"relation_name"`
	LineNumber       int    `json:"line_number"`
	Source           string `json:"source"`
	ExceptionClass   string `json:"exception_class"`
	ExceptionMessage string `json:"exception_message"`
}

// MaxGroupImportFailures is how many failures a group import keeps.
const MaxGroupImportFailures = 1000

package ferry

import "time"

// GroupExport is one file-based export of a group (with its sub-groups)
// requested by one user. GitLab keeps one export file per user and group
// (ImportExportUpload with user_id, app/models/import_export_upload.rb);
// its states are the project export's (ExportQueued, ExportStarted,
// ExportFinished, ExportFailed).
type GroupExport struct {
	ID       int64
	GroupID  int64
	UserID   int64
	Status   string
	FileKey  string
	FileName string
	FileSize int64
	// Error is why the export failed.
	Error         string
	CorrelationID string
	// Attempts is the attempt of the export's job that runs or ran last.
	Attempts   int
	CreatedAt  time.Time
	UpdatedAt  time.Time
	StartedAt  *time.Time
	FinishedAt *time.Time
	ExpiresAt  *time.Time
}

// Active reports whether e is waiting or running.
func (e GroupExport) Active() bool { return e.Status == ExportQueued || e.Status == ExportStarted }

package ferry

import "time"

// Export job states, as GitLab's ProjectExportJob.
const (
	ExportQueued   = "queued"
	ExportStarted  = "started"
	ExportFinished = "finished"
	ExportFailed   = "failed"
)

// Upload states of an export sent to upload[url] (Ferry's addition: GitLab
// does not report them).
const (
	UploadNone     = ""
	UploadPending  = "pending"
	UploadStarted  = "uploading"
	UploadFinished = "finished"
	UploadFailed   = "failed"
)

// Export is one export of a project requested by one user.
type Export struct {
	ID        int64
	ProjectID int64
	UserID    int64
	Status    string
	// Description overrides the project's description in the archive.
	Description *string
	// UploadURL is the sealed (encrypted) upload[url], "" for none.
	UploadURL    string
	UploadMethod string
	UploadStatus string
	UploadError  string
	FileKey      string
	FileName     string
	FileSize     int64
	// Error is why the export failed.
	Error         string
	CorrelationID string
	// Progress is the running step, nil before the first.
	Progress *Progress
	// Attempts is the attempt of the export's job that runs or ran last.
	Attempts   int
	CreatedAt  time.Time
	UpdatedAt  time.Time
	StartedAt  *time.Time
	FinishedAt *time.Time
	ExpiresAt  *time.Time
}

// ExportCancelled is the error of an export an administrator cancelled.
const ExportCancelled = "Export cancelled by an administrator"

// ExportLifetime is how long an export file can be downloaded.
const ExportLifetime = 24 * time.Hour

// Active reports whether e is waiting or running.
func (e Export) Active() bool { return e.Status == ExportQueued || e.Status == ExportStarted }

// ExportStatus is what GET /projects/:id/export reports for one user's
// exports (newest first), in GitLab's order of precedence:
// regeneration_in_progress (a job runs while a file exists), queued,
// started, finished, failed, none.
func ExportStatus(exports []Export) string {
	var active, file, failed *Export
	for i := range exports {
		e := &exports[i]
		switch {
		case e.Active() && active == nil:
			active = e
		case e.Status == ExportFinished && file == nil:
			file = e
		case e.Status == ExportFailed && failed == nil:
			failed = e
		}
	}
	switch {
	case active != nil && file != nil:
		return "regeneration_in_progress"
	case active != nil:
		return active.Status
	case file != nil:
		return ExportFinished
	case failed != nil:
		return ExportFailed
	}
	return "none"
}

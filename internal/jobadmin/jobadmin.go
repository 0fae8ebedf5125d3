// Package jobadmin is what administrators do with imports and exports
// across projects: list them with filters, retry a failed import from the
// archive it kept, and cancel a scheduled or running import or export
// (through River's JobCancel, so a running worker stops at its next check
// and records the failure itself). The API's /api/v4/ferry/jobs routes
// call it; it holds the rules, the store holds the SQL.
package jobadmin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/jobs"
	"github.com/ferryhq/ferry/internal/store"
)

// Service acts on imports and exports for administrators.
type Service struct {
	DB     *store.DB
	Jobs   *jobs.Client
	Blobs  blob.Store
	Logger *slog.Logger
}

// Job is one import or export as an administrator sees it.
type Job struct {
	// Kind is store.JobImport, store.JobExport, store.JobGroupImport or
	// store.JobGroupExport.
	Kind string
	// ID is the export's id, or the imported project's or group's id.
	ID int64
	// ProjectID is a project job's project, GroupID a group job's group.
	ProjectID int64
	GroupID   int64
	UserID    int64
	// Status is the import's or export's status; UploadStatus an export's
	// upload to upload[url] ("" for none).
	Status       string
	UploadStatus string
	Error        string
	Progress     *ferry.Progress
	Attempts     int
	CreatedAt    time.Time
	StartedAt    *time.Time
	FinishedAt   *time.Time
	// Project, Group and User are nil when they are gone (or the job is
	// not a project's or a group's).
	Project *ferry.Project
	Group   *ferry.Namespace
	User    *ferry.User
}

// Refused is an action that does not apply to a job as it is. Gone says
// what the action needs no longer exists (an import's archive); otherwise
// the job is in the wrong state. Its text is the reason, for the caller.
type Refused struct {
	Gone   bool
	Reason string
}

func (e *Refused) Error() string { return e.Reason }

// List returns the page of imports and exports f selects, newest first,
// and how many it selects in all.
func (s *Service) List(ctx context.Context, f store.JobFilter) ([]Job, int, error) {
	keys, total, err := s.DB.ListJobs(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Job, 0, len(keys))
	for _, k := range keys {
		j, err := s.job(ctx, k)
		if errors.Is(err, ferry.ErrNotFound) {
			continue // removed since it was listed
		}
		if err != nil {
			return nil, 0, err
		}
		out = append(out, j)
	}
	return out, total, nil
}

// job loads the import or export k names, with its project and user.
func (s *Service) job(ctx context.Context, k store.JobKey) (Job, error) {
	var (
		j   Job
		err error
	)
	switch k.Kind {
	case store.JobImport:
		var im ferry.Import
		im, err = s.DB.ImportOf(ctx, k.ID)
		j = importJob(im)
	case store.JobExport:
		var e ferry.Export
		e, err = s.DB.ExportByID(ctx, k.ID)
		j = exportJob(e)
	case store.JobGroupImport:
		var im ferry.GroupImport
		im, err = s.DB.GroupImportOf(ctx, k.ID)
		j = groupImportJob(im)
	default:
		var e ferry.GroupExport
		e, err = s.DB.GroupExportByID(ctx, k.ID)
		j = groupExportJob(e)
	}
	if err != nil {
		return j, fmt.Errorf("%s %d: %w", k.Kind, k.ID, err)
	}
	if j.ProjectID != 0 {
		if p, err := s.DB.ProjectByID(ctx, j.ProjectID); err == nil {
			j.Project = &p
		}
	}
	if j.GroupID != 0 {
		if g, err := s.DB.NamespaceByID(ctx, j.GroupID); err == nil {
			j.Group = &g
		}
	}
	if u, err := s.DB.UserByID(ctx, j.UserID); err == nil {
		j.User = &u
	}
	return j, nil
}

func importJob(im ferry.Import) Job {
	return Job{Kind: store.JobImport, ID: im.ProjectID, ProjectID: im.ProjectID, UserID: im.UserID, Status: im.Status,
		Error: im.Error, Progress: im.Progress, Attempts: im.Attempts, CreatedAt: im.CreatedAt,
		StartedAt: im.StartedAt, FinishedAt: im.FinishedAt}
}

func exportJob(e ferry.Export) Job {
	return Job{Kind: store.JobExport, ID: e.ID, ProjectID: e.ProjectID, UserID: e.UserID, Status: e.Status,
		UploadStatus: e.UploadStatus, Error: e.Error, Progress: e.Progress, Attempts: e.Attempts,
		CreatedAt: e.CreatedAt, StartedAt: e.StartedAt, FinishedAt: e.FinishedAt}
}

// groupImportJob is a group's import as a job: its counts are its
// progress' records, and it has no start or end time of its own (the
// row's last change ends a finished or failed one).
func groupImportJob(im ferry.GroupImport) Job {
	j := Job{Kind: store.JobGroupImport, ID: im.GroupID, GroupID: im.GroupID, UserID: im.UserID, Status: im.Status,
		Error: im.Error, Attempts: im.Attempts, CreatedAt: im.CreatedAt}
	if im.Ended() {
		end := im.UpdatedAt
		j.FinishedAt = &end
	}
	return j
}

func groupExportJob(e ferry.GroupExport) Job {
	return Job{Kind: store.JobGroupExport, ID: e.ID, GroupID: e.GroupID, UserID: e.UserID, Status: e.Status,
		Error: e.Error, Attempts: e.Attempts, CreatedAt: e.CreatedAt, StartedAt: e.StartedAt, FinishedAt: e.FinishedAt}
}

// Import returns project id's import. Returns ferry.ErrNotFound when the
// project was not imported.
func (s *Service) Import(ctx context.Context, projectID int64) (Job, error) {
	return s.job(ctx, store.JobKey{Kind: store.JobImport, ID: projectID})
}

// Export returns export id. Returns ferry.ErrNotFound when there is none.
func (s *Service) Export(ctx context.Context, id int64) (Job, error) {
	return s.job(ctx, store.JobKey{Kind: store.JobExport, ID: id})
}

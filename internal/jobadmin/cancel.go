package jobadmin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/exporter"
	"github.com/ferryhq/ferry/internal/importer"
	"github.com/ferryhq/ferry/internal/store"
)

// CancelImport cancels project id's scheduled or started import through
// River's JobCancel. A job that is not running is cancelled at once and
// the import recorded failed with ferry.ImportCancelled here; a running
// one has its context cancelled (within seconds, at the worker's next
// check), and the worker records the failure as it stops and removes its
// work folder, as for any failed import. Returns *Refused when the import
// already ended, and ferry.ErrNotFound when the project was not imported.
func (s *Service) CancelImport(ctx context.Context, projectID int64) (Job, error) {
	im, err := s.DB.ImportOf(ctx, projectID)
	if err != nil {
		return Job{}, err
	}
	if im.Ended() {
		return Job{}, importEnded(im.Status)
	}
	return s.cancel(ctx, store.JobKey{Kind: store.JobImport, ID: projectID}, importer.Args{}.Kind(), func(raw []byte) bool {
		var a importer.Args
		return json.Unmarshal(raw, &a) == nil && a.ProjectID == projectID
	}, func() error {
		// No worker holds it: record the end here. The archive is kept
		// for a retry, as a failed import's is.
		im.Status, im.Error, im.SourceData = ferry.ImportFailed, ferry.ImportCancelled, ""
		return s.DB.UpdateImport(ctx, &im)
	})
}

// CancelExport cancels export id while it is queued or started, as
// CancelImport does. Returns *Refused when it already ended, and
// ferry.ErrNotFound when there is no such export.
func (s *Service) CancelExport(ctx context.Context, id int64) (Job, error) {
	e, err := s.DB.ExportByID(ctx, id)
	if err != nil {
		return Job{}, err
	}
	if !e.Active() {
		return Job{}, exportEnded(e.Status)
	}
	return s.cancel(ctx, store.JobKey{Kind: store.JobExport, ID: id}, exporter.Args{}.Kind(), func(raw []byte) bool {
		var a exporter.Args
		return json.Unmarshal(raw, &a) == nil && a.ExportID == id
	}, func() error {
		e.Status, e.Error = ferry.ExportFailed, ferry.ExportCancelled
		if e.UploadStatus == ferry.UploadPending {
			e.UploadStatus, e.UploadError = ferry.UploadFailed, "the export failed"
		}
		return s.DB.UpdateExport(ctx, &e)
	})
}

// exportEnded refuses to cancel an export that is status.
func exportEnded(status string) error {
	return &Refused{Reason: fmt.Sprintf("The export is %s: only a queued or started export can be cancelled", status)}
}

// importEnded refuses to cancel an import that is status.
func importEnded(status string) error {
	return &Refused{Reason: fmt.Sprintf("The import is %s: only a scheduled or started import can be cancelled", status)}
}

// cancel cancels the queue jobs of kind whose arguments match, for the
// job key names. When none of them was running, endHere records the job's
// end; a running one records its own as its worker stops. It returns the
// job as it is then.
func (s *Service) cancel(ctx context.Context, key store.JobKey, kind string, match func(args []byte) bool,
	endHere func() error) (Job, error) {
	running, err := s.cancelJobs(ctx, kind, match)
	if err != nil {
		return Job{}, err
	}
	if !running {
		if err := endHere(); err != nil {
			return Job{}, err
		}
	}
	s.Logger.InfoContext(ctx, strings.ReplaceAll(key.Kind, "_", " ")+" cancelled by an administrator",
		"id", key.ID, "running", running)
	return s.job(ctx, key)
}

// activeStates are the states of a job that has not ended.
var activeStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled}

// cancelJobs cancels every job of kind that has not ended and whose
// arguments match, and reports whether one of them was running (River
// then cancels its context; it ends when its worker returns).
func (s *Service) cancelJobs(ctx context.Context, kind string, match func(args []byte) bool) (running bool, err error) {
	params := river.NewJobListParams().Kinds(kind).States(activeStates...).First(1000)
	for {
		res, err := s.Jobs.JobList(ctx, params)
		if err != nil {
			return running, fmt.Errorf("list %s jobs: %w", kind, err)
		}
		for _, row := range res.Jobs {
			if !match(row.EncodedArgs) {
				continue
			}
			got, err := s.Jobs.JobCancel(ctx, row.ID)
			if err != nil {
				return running, fmt.Errorf("cancel job %d: %w", row.ID, err)
			}
			running = running || got.State == rivertype.JobStateRunning
		}
		if len(res.Jobs) < 1000 || res.LastCursor == nil {
			return running, nil
		}
		params = params.After(res.LastCursor)
	}
}

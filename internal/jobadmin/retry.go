package jobadmin

import (
	"context"
	"errors"
	"fmt"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/correlation"
	"github.com/ferryhq/ferry/internal/importer"
	"github.com/ferryhq/ferry/internal/store"
)

// RetryImport queues project id's failed import again, from the archive it
// kept (an uploaded archive is kept for ferry.FailedImportKeep), as a new
// job with the import's attempts counted afresh and the request's
// correlation ID. Returns *Refused when the
// import did not fail, or its archive is gone (a remote import keeps none),
// and ferry.ErrNotFound when the project was not imported.
func (s *Service) RetryImport(ctx context.Context, projectID int64) (Job, error) {
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		im, err := tx.ImportOf(ctx, projectID)
		if err != nil {
			return err
		}
		if err := s.retryable(ctx, im); err != nil {
			return err
		}
		if id := correlation.ID(ctx); id != "" {
			im.CorrelationID = id
		}
		if err := tx.RequeueFailedImport(ctx, &im); errors.Is(err, ferry.ErrConflict) {
			return &Refused{Reason: "The import is being retried already"}
		} else if err != nil {
			return err
		}
		args := importer.Args{ProjectID: projectID, CorrelationID: im.CorrelationID}
		if _, err := s.Jobs.InsertTx(ctx, tx, args, nil); err != nil {
			return fmt.Errorf("queue import of project %d: %w", projectID, err)
		}
		return nil
	})
	if err != nil {
		return Job{}, err
	}
	s.Logger.InfoContext(ctx, "import retried by an administrator", "project_id", projectID)
	return s.Import(ctx, projectID)
}

// retryable refuses an import that did not fail or whose archive is gone.
func (s *Service) retryable(ctx context.Context, im ferry.Import) error {
	if im.Status != ferry.ImportFailed {
		return &Refused{Reason: fmt.Sprintf("The import is %s: only a failed import can be retried", im.Status)}
	}
	gone := &Refused{Gone: true, Reason: "The import's archive is no longer kept: import the archive again"}
	if im.UploadKey == "" {
		return gone
	}
	obj, err := s.Blobs.Open(ctx, im.UploadKey)
	if errors.Is(err, blob.ErrNotFound) {
		return gone
	}
	if err != nil {
		return fmt.Errorf("open the archive of import %d: %w", im.ProjectID, err)
	}
	return obj.Close()
}

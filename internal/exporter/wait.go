package exporter

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
)

// ImportWait is how long an export requested during its project's import
// waits before it looks at the import again.
const ImportWait = 2 * time.Second

// importRunning reports whether e's project is being imported (scheduled
// or started): an archive written now would hold part of the data, so the
// export waits, queued, for the import to end. GitLab's API accepts the
// request (202) and Ferry keeps that answer.
func (w *Worker) importRunning(ctx context.Context, e *ferry.Export) (bool, error) {
	im, err := w.DB.ImportOf(ctx, e.ProjectID)
	if errors.Is(err, ferry.ErrNotFound) {
		return false, nil // never imported
	}
	if err != nil {
		return false, err
	}
	return im.Status == ferry.ImportScheduled || im.Status == ferry.ImportStarted, nil
}

// waitOrGone ends an attempt that found the project importing (err nil)
// or could not tell (err): the job is snoozed, which costs no attempt, and
// e is touched so that the stuck-export cleanup leaves a waiting export
// alone. An export whose project was deleted meanwhile is cancelled.
func (w *Worker) waitOrGone(ctx context.Context, e *ferry.Export, err error, logger *slog.Logger) error {
	if err != nil {
		return err
	}
	if err := w.DB.UpdateExport(ctx, e); err != nil {
		if errors.Is(err, ferry.ErrNotFound) {
			logger.InfoContext(ctx, "export abandoned: its project was deleted")
			return river.JobCancel(err)
		}
		return err
	}
	logger.DebugContext(ctx, "export waits for the project's import to end")
	return river.JobSnooze(ImportWait)
}

// gone reports whether export id no longer exists: its project was
// deleted, and with it the export's record.
func (w *Worker) gone(ctx context.Context, id int64) bool {
	_, err := w.DB.ExportByID(context.WithoutCancel(ctx), id)
	return errors.Is(err, ferry.ErrNotFound)
}

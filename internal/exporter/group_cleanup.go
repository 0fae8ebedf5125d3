package exporter

import (
	"context"
	"errors"
	"time"

	"github.com/ferryhq/ferry"
)

// cleanGroupExports is CleanupWorker's pass over group exports, with the
// project exports' rules: files expire after ferry.ExportLifetime, stuck
// exports fail, failures are pruned.
func (w *CleanupWorker) cleanGroupExports(ctx context.Context, now time.Time) error {
	exports, err := w.DB.GroupExportsToClean(ctx, now, now.Add(-StuckAfter), now.Add(-PruneAfter))
	if err != nil {
		return err
	}
	for _, e := range exports {
		if e.Active() {
			e.Status, e.Error = ferry.ExportFailed, "the export stopped making progress and was abandoned"
			if err := w.DB.UpdateGroupExport(ctx, &e); err != nil && !errors.Is(err, ferry.ErrNotFound) {
				return err
			}
			w.Logger.WarnContext(ctx, "stuck group export failed", "export_id", e.ID)
			continue
		}
		if e.FileKey != "" {
			if err := w.Blobs.Delete(ctx, e.FileKey); err != nil {
				return err
			}
		}
		if err := w.DB.DeleteGroupExport(ctx, e.ID); err != nil {
			return err
		}
		w.Logger.InfoContext(ctx, "group export removed", "export_id", e.ID, "status", e.Status)
	}
	return nil
}

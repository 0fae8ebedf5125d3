package jobadmin

import (
	"context"
	"encoding/json"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/exporter"
	"github.com/ferryhq/ferry/internal/importer"
	"github.com/ferryhq/ferry/internal/store"
)

// CancelGroupImport cancels group id's scheduled or started import, as
// CancelImport does a project's: a running one fails with
// ferry.ImportCancelled at its worker's next check, one no worker holds
// fails here. What a running import created so far stays, as for any
// failed group import, and its archive is deleted (a group import keeps
// none once ended, as GitLab's removes the import file in any case; there
// is no retry). Returns *Refused when the import already ended, and
// ferry.ErrNotFound when the group was not imported.
func (s *Service) CancelGroupImport(ctx context.Context, groupID int64) (Job, error) {
	im, err := s.DB.GroupImportOf(ctx, groupID)
	if err != nil {
		return Job{}, err
	}
	if im.Ended() {
		return Job{}, importEnded(im.Status)
	}
	key := store.JobKey{Kind: store.JobGroupImport, ID: groupID}
	return s.cancel(ctx, key, importer.GroupArgs{}.Kind(), func(raw []byte) bool {
		var a importer.GroupArgs
		return json.Unmarshal(raw, &a) == nil && a.GroupID == groupID
	}, func() error {
		im.Status, im.Error = ferry.ImportFailed, ferry.ImportCancelled
		if err := s.DB.UpdateGroupImport(ctx, &im); err != nil {
			return err
		}
		importer.DropGroupUpload(ctx, s.DB, s.Blobs, &im, s.Logger)
		return nil
	})
}

// CancelGroupExport cancels group export id while it is queued or
// started, as CancelExport does a project's. Returns *Refused when it
// already ended, and ferry.ErrNotFound when there is no such export.
func (s *Service) CancelGroupExport(ctx context.Context, id int64) (Job, error) {
	e, err := s.DB.GroupExportByID(ctx, id)
	if err != nil {
		return Job{}, err
	}
	if !e.Active() {
		return Job{}, exportEnded(e.Status)
	}
	return s.cancel(ctx, store.JobKey{Kind: store.JobGroupExport, ID: id}, exporter.GroupArgs{}.Kind(), func(raw []byte) bool {
		var a exporter.GroupArgs
		return json.Unmarshal(raw, &a) == nil && a.ExportID == id
	}, func() error {
		e.Status, e.Error = ferry.ExportFailed, ferry.ExportCancelled
		return s.DB.UpdateGroupExport(ctx, &e)
	})
}

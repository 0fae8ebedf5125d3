package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/source"
)

// remoteImport is POST /projects/remote-import: the archive at an https
// URL (https only, whatever the local-requests setting, as GitLab),
// checked now (address, headers) and downloaded by the import job.
// The import_project_from_remote_file flag gates it.
func (a *API) remoteImport(w http.ResponseWriter, r *request) error {
	if err := r.params.require("url", "path"); err != nil {
		return err
	}
	if err := a.requireFeature(r, ferry.FeatureRemoteImport); err != nil {
		return err
	}
	settings, err := a.db.Settings(r.ctx())
	if err != nil {
		return err
	}
	raw, _ := r.params.str("url")
	raw = strings.TrimSpace(raw) // GitLab's URL validator strips it
	im := ferry.Import{Source: ferry.SourceURL, SourceData: a.box.Seal(raw)}
	status, err := a.scheduleImport(r, settings, &im, func() error {
		policy, err := a.outbound(r.ctx())
		if err != nil {
			return err
		}
		_, err = source.CheckURL(r.ctx(), policy, raw, ferry.MiB(settings.MaxImportRemoteFileSize))
		return sourceError(err)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, status)
	return nil
}

// remoteImportS3 is POST /projects/remote-import-s3: an S3 object read
// with the given keys, which serve this import only (stored sealed,
// forgotten when it ends, never logged or returned). The
// import_project_from_remote_file_s3 flag gates it.
func (a *API) remoteImportS3(w http.ResponseWriter, r *request) error {
	if err := r.params.require("region", "bucket_name", "file_key", "access_key_id", "secret_access_key", "path"); err != nil {
		return err
	}
	if err := a.requireFeature(r, ferry.FeatureRemoteImportS3); err != nil {
		return err
	}
	settings, err := a.db.Settings(r.ctx())
	if err != nil {
		return err
	}
	var o source.S3Object
	o.Region, _ = r.params.str("region")
	o.Bucket, _ = r.params.str("bucket_name")
	o.Key, _ = r.params.str("file_key")
	o.AccessKeyID, _ = r.params.str("access_key_id")
	o.SecretAccessKey, _ = r.params.str("secret_access_key")
	im := ferry.Import{Source: ferry.SourceS3, SourceData: source.SealS3(a.box, o)}
	status, err := a.scheduleImport(r, settings, &im, func() error {
		return sourceError(a.s3.Check(r.ctx(), o, ferry.MiB(settings.MaxImportRemoteFileSize)))
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, status)
	return nil
}

// sourceError answers a source check failure as 400 {"message": ...}.
func sourceError(err error) error {
	var se *source.Error
	if errors.As(err, &se) {
		return apiError(http.StatusBadRequest, se.Message)
	}
	return err
}

package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ferryhq/ferry"
)

type failedRelation struct {
	ID               int64     `json:"id"`
	CreatedAt        timestamp `json:"created_at"`
	ExceptionClass   string    `json:"exception_class"`
	Source           string    `json:"source"`
	ExceptionMessage *string   `json:"exception_message"`
	RelationName     string    `json:"relation_name"`
	LineNumber       int       `json:"line_number"`
}

type importStatusEntity struct {
	ID                int64              `json:"id"`
	Description       *string            `json:"description"`
	Name              string             `json:"name"`
	NameWithNamespace string             `json:"name_with_namespace"`
	Path              string             `json:"path"`
	PathWithNamespace string             `json:"path_with_namespace"`
	CreatedAt         timestamp          `json:"created_at"`
	ImportStatus      string             `json:"import_status"`
	ImportType        *string            `json:"import_type"`
	CorrelationID     *string            `json:"correlation_id"`
	FailedRelations   []failedRelation   `json:"failed_relations"`
	ImportError       *string            `json:"import_error"`
	Stats             *ferry.ImportStats `json:"stats"`
	// Progress is Ferry's own: the step running (or last reached).
	Progress *ferry.Progress `json:"progress,omitempty"`
}

// maskedImportError is what callers below Maintainer see instead of the
// import_error, as GitLab.
const maskedImportError = "Ask a maintainer to check the import status for more details."

// importStatus builds GitLab's ProjectImportStatus for p; maintainer
// decides whether the error and failure messages are shown.
func (a *API) importStatus(r *request, p ferry.Project, im ferry.Import, maintainer bool) (importStatusEntity, error) {
	e := importStatusEntity{ID: p.ID, Name: p.Name, NameWithNamespace: p.FullName(), Path: p.Path,
		PathWithNamespace: p.FullPath(), CreatedAt: ts(p.CreatedAt), ImportStatus: ferry.ImportNone,
		FailedRelations: []failedRelation{}, Description: nullable(p.Description)}
	if im.ProjectID == 0 {
		return e, nil
	}
	if im.OverwriteID != 0 && im.Status != ferry.ImportFinished {
		// An overwriting import waits at a temporary path (and, as names
		// are unique here, a temporary name); GitLab shows the requested
		// name from the start.
		p.Name = im.OriginalName
		e.Name, e.NameWithNamespace = p.Name, p.FullName()
	}
	gitlabProject, cid := "gitlab_project", im.CorrelationID
	e.ImportStatus, e.ImportType, e.CorrelationID = im.Status, &gitlabProject, &cid
	if im.Error != "" {
		msg := im.Error
		if !maintainer {
			msg = maskedImportError
		}
		e.ImportError = &msg
	}
	if im.Stats.Fetched != nil {
		stats := im.Stats
		e.Stats = &stats
	}
	e.Progress = im.Progress
	failures, err := a.db.ImportFailures(r.ctx(), p.ID, im.CorrelationID, 100)
	if err != nil {
		return e, err
	}
	for _, f := range failures {
		fr := failedRelation{ID: f.ID, CreatedAt: ts(f.CreatedAt), ExceptionClass: f.ExceptionClass, Source: f.Source,
			RelationName: f.RelationName, LineNumber: f.LineNumber}
		if maintainer {
			msg := f.ExceptionMessage
			fr.ExceptionMessage = &msg
		}
		e.FailedRelations = append(e.FailedRelations, fr)
	}
	return e, nil
}

// getImport is GET /projects/:id/import (read access).
func (a *API) getImport(w http.ResponseWriter, r *request) error {
	p, level, err := a.findProject(r)
	if code, _ := statusFor(err); code == http.StatusNotFound {
		return a.getDroppedImport(w, r, err)
	}
	if err != nil {
		return err
	}
	im, err := a.db.ImportOf(r.ctx(), p.ID)
	if err != nil && !errors.Is(err, ferry.ErrNotFound) {
		return err
	}
	e, err := a.importStatus(r, p, im, level >= ferry.Maintainer)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// getDroppedImport answers GET /projects/:id/import for the removed
// temporary project of an overwrite that failed for good: its starter
// (or an administrator) still reads the failure, as GitLab, which keeps
// the failed project, would show it. Anyone else gets notFound.
func (a *API) getDroppedImport(w http.ResponseWriter, r *request, notFound error) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || r.user == nil {
		return notFound
	}
	d, err := a.db.DroppedImportOf(r.ctx(), id)
	if errors.Is(err, ferry.ErrNotFound) || (err == nil && d.Import.UserID != r.user.ID && !r.user.IsAdmin) {
		return notFound
	}
	if err != nil {
		return err
	}
	e, err := a.importStatus(r, d.Project, d.Import, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

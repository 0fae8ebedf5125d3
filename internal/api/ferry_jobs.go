package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/jobadmin"
	"github.com/ferryhq/ferry/internal/store"
)

// Ferry's own routes for operators (/api/v4/ferry/jobs), administrators
// only: every import and export across projects and groups, retrying a
// project's import and cancelling any of them. The rules are jobadmin's.

// jobStates are the states a job list filters on: an import's
// (scheduled, started, finished, failed) and an export's (queued,
// started, finished, failed).
var jobStates = []string{ferry.ImportScheduled, ferry.ExportQueued, ferry.ImportStarted, ferry.ImportFinished,
	ferry.ImportFailed}

// jobProject names a job's project.
type jobProject struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	PathWithNamespace string `json:"path_with_namespace"`
}

// jobGroup names a group job's group.
type jobGroup struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	FullPath string `json:"full_path"`
}

// jobEntity is one import or export in Ferry's job list: a project's
// (project set, group null) or a group's (group set, project null).
type jobEntity struct {
	Kind         string          `json:"kind"`
	ID           int64           `json:"id"`
	Project      *jobProject     `json:"project"`
	Group        *jobGroup       `json:"group"`
	State        string          `json:"state"`
	UploadStatus *string         `json:"upload_status,omitempty"`
	Progress     *ferry.Progress `json:"progress"`
	Attempts     int             `json:"attempts"`
	Error        *string         `json:"error"`
	CreatedAt    timestamp       `json:"created_at"`
	StartedAt    *timestamp      `json:"started_at"`
	FinishedAt   *timestamp      `json:"finished_at"`
	User         *userBasic      `json:"user"`
}

func (a *API) jobEntity(j jobadmin.Job) jobEntity {
	e := jobEntity{Kind: j.Kind, ID: j.ID, State: j.Status, Progress: j.Progress, Attempts: j.Attempts,
		Error: nullable(j.Error), CreatedAt: ts(j.CreatedAt), StartedAt: tsOrNil(j.StartedAt),
		FinishedAt: tsOrNil(j.FinishedAt)}
	if j.Kind == store.JobExport {
		upload := j.UploadStatus
		e.UploadStatus = &upload
	}
	if p := j.Project; p != nil {
		e.Project = &jobProject{ID: p.ID, Name: p.Name, PathWithNamespace: p.FullPath()}
	}
	if g := j.Group; g != nil {
		e.Group = &jobGroup{ID: g.ID, Name: g.Name, FullPath: g.FullPath}
	}
	if j.User != nil {
		u := a.userBasic(*j.User)
		e.User = &u
	}
	return e
}

func tsOrNil(t *time.Time) *timestamp {
	if t == nil {
		return nil
	}
	v := ts(*t)
	return &v
}

// listFerryJobs is GET /ferry/jobs: imports and exports across projects
// and groups, newest first, filtered by kind, state, project_id, group_id,
// created_after and created_before, in pages.
func (a *API) listFerryJobs(w http.ResponseWriter, r *request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	f, pg, err := readFerryJobFilter(r.params)
	if err != nil {
		return err
	}
	list, total, err := a.jobAdmin.List(r.ctx(), f)
	if err != nil {
		return err
	}
	out := make([]jobEntity, len(list))
	for i, j := range list {
		out[i] = a.jobEntity(j)
	}
	a.writeList(w, r, pg, total, out)
	return nil
}

// readFerryJobFilter reads the job list's filters and page.
func readFerryJobFilter(p params) (store.JobFilter, pager, error) {
	var f store.JobFilter
	pg, err := readPager(p)
	if err != nil {
		return f, pg, err
	}
	f.Page = pg.store()
	if f.Kind, err = p.oneOf("kind", "", store.JobImport, store.JobExport, store.JobGroupImport, store.JobGroupExport); err != nil {
		return f, pg, err
	}
	if f.Status, err = p.oneOf("state", "", jobStates...); err != nil {
		return f, pg, err
	}
	if f.ProjectID, err = p.integer("project_id", 0); err != nil {
		return f, pg, err
	}
	if f.GroupID, err = p.integer("group_id", 0); err != nil {
		return f, pg, err
	}
	if f.CreatedAfter, err = p.dateTime("created_after"); err != nil {
		return f, pg, err
	}
	f.CreatedBefore, err = p.dateTime("created_before")
	return f, pg, err
}

// jobAction is POST /ferry/jobs/{imports|exports}/:id/{retry|cancel} and
// /ferry/jobs/{group_imports|group_exports}/:id/cancel: act on the job and
// answer it as it is then.
func (a *API) jobAction(act func(s *jobadmin.Service, r *request, id int64) (jobadmin.Job, error)) handler {
	return func(w http.ResponseWriter, r *request) error {
		if err := requireAdmin(r); err != nil {
			return err
		}
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return notFound("")
		}
		j, err := act(a.jobAdmin, r, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, a.jobEntity(j))
		return nil
	}
}

func retryImport(s *jobadmin.Service, r *request, id int64) (jobadmin.Job, error) {
	return s.RetryImport(r.ctx(), id)
}

func cancelImport(s *jobadmin.Service, r *request, id int64) (jobadmin.Job, error) {
	return s.CancelImport(r.ctx(), id)
}

func cancelExport(s *jobadmin.Service, r *request, id int64) (jobadmin.Job, error) {
	return s.CancelExport(r.ctx(), id)
}

func cancelGroupImport(s *jobadmin.Service, r *request, id int64) (jobadmin.Job, error) {
	return s.CancelGroupImport(r.ctx(), id)
}

func cancelGroupExport(s *jobadmin.Service, r *request, id int64) (jobadmin.Job, error) {
	return s.CancelGroupExport(r.ctx(), id)
}

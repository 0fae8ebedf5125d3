package api

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/store"
)

// jobStatuses are the values scope[] takes (lib/api/ci/jobs.rb).
var jobStatuses = []string{"created", "pending", "running", "failed", "success", "canceled", "skipped",
	"waiting_for_resource", "manual", "scheduled", "preparing", "waiting_for_callback", "canceling"}

// listPipelines is GET /projects/:id/pipelines (lib/api/ci/pipelines.rb):
// scope (running, pending, finished), status, ref, sha, source,
// yaml_errors, updated_before/_after, order_by, sort.
func (a *API) listPipelines(r *request, p ferry.Project, v content.Viewer, pg store.Page) (any, int, error) {
	var f content.PipelineFilter
	var err error
	for _, c := range []struct {
		key, def string
		to       *string
		allowed  []string
	}{
		{"scope", "", &f.Scope, []string{"running", "pending", "finished"}},
		{"status", "", &f.Status, jobStatuses},
		{"order_by", "id", &f.OrderBy, []string{"id", "status", "ref", "updated_at", "user_id"}},
		{"sort", "desc", &f.Sort, []string{"asc", "desc"}},
	} {
		if *c.to, err = r.params.oneOf(c.key, c.def, append([]string{c.def}, c.allowed...)...); err != nil {
			return nil, 0, err
		}
	}
	if r.params.has("yaml_errors") {
		y, err := r.params.boolean("yaml_errors", false)
		if err != nil {
			return nil, 0, err
		}
		f.YamlErrors = &y
	}
	var times content.Filter
	if err := readTimes(r, &times); err != nil {
		return nil, 0, err
	}
	f.UpdatedBefore, f.UpdatedAfter = times.UpdatedBefore, times.UpdatedAfter
	f.Ref, _ = r.params.str("ref")
	f.Sha, _ = r.params.str("sha")
	f.Source, _ = r.params.str("source")
	return anyPage(a.content.Pipelines(r.ctx(), p, f, pg))
}

// getPipeline is GET /projects/:id/pipelines/:pipeline_id.
func (a *API) getPipeline(r *request, p ferry.Project, v content.Viewer) (any, error) {
	id, err := pathID(r, "pipeline_id")
	if err != nil {
		return nil, err
	}
	return a.content.Pipeline(r.ctx(), p, id)
}

// getLatestPipeline is GET /projects/:id/pipelines/latest: ref (the
// default branch when not given).
func (a *API) getLatestPipeline(r *request, p ferry.Project, v content.Viewer) (any, error) {
	ref, _ := r.params.str("ref")
	if ref == "" {
		ref = p.DefaultBranch
	}
	return a.content.LatestPipeline(r.ctx(), p, ref)
}

// listPipelineJobs is GET /projects/:id/pipelines/:pipeline_id/jobs:
// scope[].
func (a *API) listPipelineJobs(r *request, p ferry.Project, v content.Viewer, pg store.Page) (any, int, error) {
	id, err := pathID(r, "pipeline_id")
	if err != nil {
		return nil, 0, err
	}
	f, err := readJobFilter(r)
	if err != nil {
		return nil, 0, err
	}
	jobs, total, err := a.content.PipelineJobs(r.ctx(), p, id, f, pg)
	if errors.Is(err, ferry.ErrNotFound) {
		return nil, 0, &httpError{Status: http.StatusNotFound, Body: message{"404 Not found"}}
	}
	return jobs, total, err
}

// listJobs is GET /projects/:id/jobs: scope[].
func (a *API) listJobs(r *request, p ferry.Project, v content.Viewer, pg store.Page) (any, int, error) {
	f, err := readJobFilter(r)
	if err != nil {
		return nil, 0, err
	}
	return anyPage(a.content.Jobs(r.ctx(), p, f, pg))
}

// getJob is GET /projects/:id/jobs/:job_id.
func (a *API) getJob(r *request, p ferry.Project, v content.Viewer) (any, error) {
	id, err := pathID(r, "job_id")
	if err != nil {
		return nil, err
	}
	return a.content.Job(r.ctx(), p, id)
}

// readJobFilter reads scope (one status or scope[] of them). Returns a
// 400 {"error":"scope does not have a valid value"} for another value.
func readJobFilter(r *request) (content.JobFilter, error) {
	var f content.JobFilter
	if _, err := r.params.boolean("include_retried", false); err != nil {
		return f, err
	}
	for _, key := range []string{"scope", "scope[]"} {
		for _, s := range r.params.list(key) {
			if !slices.Contains(jobStatuses, s) {
				return f, &ferry.ParamError{Param: "scope", Reason: "does not have a valid value"}
			}
			f.Scope = append(f.Scope, s)
		}
	}
	return f, nil
}

// pathID reads an Integer path parameter. Returns a *ferry.ParamError
// (400 "<key> is invalid", as Grape answers) for another value.
func pathID(r *request, key string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(key), 10, 64)
	if err != nil {
		return 0, &ferry.ParamError{Param: key, Reason: "is invalid"}
	}
	return id, nil
}

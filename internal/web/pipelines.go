package web

import (
	"net/http"
	"strconv"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/store"
)

// pipelinesView is a page of pipelines, or one pipeline with its jobs.
type pipelinesView struct {
	Pipelines []content.PipelineBasic
	Pipeline  *content.Pipeline
	Jobs      []content.Job
	Pages     pager
}

// maxPipelineJobs is how many jobs a pipeline's page lists.
const maxPipelineJobs = 500

// canReadBuilds is the pipelines' and jobs' rule: who may not read them
// finds no page (the API answers 403; a page hides them as GitLab's).
func canReadBuilds(r *request) error {
	if !auth.CanReadBuilds(r.level, r.project.Visibility) {
		return ferry.ErrNotFound
	}
	return nil
}

// pipelines is /<project>/-/pipelines (newest first) and
// /<project>/-/pipelines/<id> (a pipeline's web_url and details_path).
func (s *Web) pipelines(w http.ResponseWriter, r *request) error {
	if err := canReadBuilds(r); err != nil {
		return err
	}
	if r.rest != "" {
		return s.pipeline(w, r)
	}
	pg := s.pageOf(r)
	list, total, err := s.content.Pipelines(r.ctx(), *r.project, content.PipelineFilter{}, pg)
	if err != nil {
		return err
	}
	return s.render(w, r, "pipelines", pipelinesView{Pipelines: list, Pages: newPager(r, pg, total)})
}

func (s *Web) pipeline(w http.ResponseWriter, r *request) error {
	id, err := strconv.ParseInt(r.rest, 10, 64)
	if err != nil {
		return ferry.ErrNotFound
	}
	p, err := s.content.Pipeline(r.ctx(), *r.project, id)
	if err != nil {
		return err
	}
	jobs, _, err := s.content.PipelineJobs(r.ctx(), *r.project, id, content.JobFilter{},
		store.Page{Number: 1, PerPage: maxPipelineJobs})
	if err != nil {
		return err
	}
	return s.render(w, r, "pipelines", pipelinesView{Pipeline: &p, Jobs: jobs})
}

// job is /<project>/-/jobs/<id> (a job's web_url).
func (s *Web) job(w http.ResponseWriter, r *request) error {
	if err := canReadBuilds(r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.rest, 10, 64)
	if err != nil {
		return ferry.ErrNotFound
	}
	j, err := s.content.Job(r.ctx(), *r.project, id)
	if err != nil {
		return err
	}
	return s.render(w, r, "job", j)
}

package content

import (
	"context"
	"slices"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// JobIDBase makes up job ids: the pipeline's row id times JobIDBase plus
// the job's place (from 1) among the pipeline's jobs.
const JobIDBase = 1_000_000

type jobRecord struct {
	Type          string   `json:"type"`
	Name          string   `json:"name"`
	Stage         string   `json:"stage"`
	Status        string   `json:"status"`
	Ref           *string  `json:"ref"`
	Tag           bool     `json:"tag"`
	Coverage      *float64 `json:"coverage"`
	AllowFailure  bool     `json:"allow_failure"`
	CreatedAt     string   `json:"created_at"`
	StartedAt     string   `json:"started_at"`
	FinishedAt    string   `json:"finished_at"`
	ErasedAt      string   `json:"erased_at"`
	UserID        int64    `json:"user_id"`
	FailureReason *string  `json:"failure_reason"`
}

// Job is GitLab's Ci::Job entity as imported: no commit, runner or
// artifacts (Ferry keeps none of them).
type Job struct {
	ID                int64          `json:"id"`
	Status            string         `json:"status"`
	Stage             string         `json:"stage"`
	Name              string         `json:"name"`
	Ref               *string        `json:"ref"`
	Tag               bool           `json:"tag"`
	Coverage          *float64       `json:"coverage"`
	AllowFailure      bool           `json:"allow_failure"`
	CreatedAt         *string        `json:"created_at"`
	StartedAt         *string        `json:"started_at"`
	FinishedAt        *string        `json:"finished_at"`
	ErasedAt          *string        `json:"erased_at"`
	Duration          *float64       `json:"duration"`
	QueuedDuration    *float64       `json:"queued_duration"`
	User              *UserBasic     `json:"user"`
	Commit            any            `json:"commit"`
	Pipeline          PipelineBasic  `json:"pipeline"`
	FailureReason     *string        `json:"failure_reason,omitempty"`
	WebURL            string         `json:"web_url"`
	Project           map[string]any `json:"project"`
	Artifacts         []any          `json:"artifacts"`
	Runner            any            `json:"runner"`
	RunnerManager     any            `json:"runner_manager"`
	ArtifactsExpireAt *string        `json:"artifacts_expire_at"`
	Archived          bool           `json:"archived"`
	TagList           []string       `json:"tag_list"`
}

// jobs are the pipeline's jobs (builds; in older archives the statuses
// that are builds), in the archive's order.
func (rec *pipelineRecord) jobs() []jobRecord {
	var out []jobRecord
	for _, st := range rec.Stages {
		out = append(out, st.Builds...)
		for _, s := range st.Statuses {
			if s.Type == "" || s.Type == "Ci::Build" {
				out = append(out, s)
			}
		}
	}
	return out
}

// JobFilter keeps the jobs whose status is one of Scope (all when empty).
type JobFilter struct {
	Scope []string
}

func (f JobFilter) keeps(j jobRecord) bool {
	return len(f.Scope) == 0 || slices.Contains(f.Scope, j.Status)
}

// PipelineJobs returns the page of pipeline id's jobs f keeps and their
// total, in the pipeline's order. Returns ferry.ErrNotFound if project p
// has no pipeline id.
func (r *Reader) PipelineJobs(ctx context.Context, p ferry.Project, id int64, f JobFilter, pg store.Page) ([]Job, int, error) {
	type result struct {
		jobs  []Job
		total int
	}
	l := r.lookups()
	res, err := recordByRow(ctx, r, p, "ci_pipelines", id,
		func(row int64, rec *pipelineRecord) (result, error) {
			var places []int
			for i, j := range rec.jobs() {
				if f.keeps(j) {
					places = append(places, i)
				}
			}
			jobs, err := r.jobsAt(ctx, l, p, row, rec, window(places, pg))
			return result{jobs, len(places)}, err
		})
	return res.jobs, res.total, err
}

// Jobs returns the page of project p's jobs f keeps and their total, the
// newest first (the last pipeline's last job).
func (r *Reader) Jobs(ctx context.Context, p ferry.Project, f JobFilter, pg store.Page) ([]Job, int, error) {
	var ids []int64
	err := eachRecord(ctx, r, p, "ci_pipelines", func(row int64, rec *pipelineRecord) (bool, error) {
		for i, j := range rec.jobs() {
			if f.keeps(j) {
				ids = append(ids, row*JobIDBase+int64(i)+1)
			}
		}
		return false, nil
	})
	if err != nil {
		return nil, 0, err
	}
	slices.Reverse(ids)
	out, err := r.jobsByID(ctx, p, window(ids, pg))
	return out, len(ids), err
}

// jobsByID shows the jobs of ids (made-up job ids), in their order,
// reading the pipelines once.
func (r *Reader) jobsByID(ctx context.Context, p ferry.Project, ids []int64) ([]Job, error) {
	places := map[int64][]int{} // by pipeline row
	for _, id := range ids {
		places[id/JobIDBase] = append(places[id/JobIDBase], int(id%JobIDBase)-1)
	}
	l, byID, left := r.lookups(), map[int64]Job{}, len(places)
	err := eachRecord(ctx, r, p, "ci_pipelines", func(row int64, rec *pipelineRecord) (bool, error) {
		at, ok := places[row]
		if !ok {
			return false, nil
		}
		jobs, err := r.jobsAt(ctx, l, p, row, rec, at)
		for _, j := range jobs {
			byID[j.ID] = j
		}
		left--
		return left == 0, err
	})
	out := make([]Job, 0, len(ids))
	for _, id := range ids {
		if j, ok := byID[id]; ok {
			out = append(out, j)
		}
	}
	return out, err
}

// Job returns project p's job id. Returns ferry.ErrNotFound if there is
// none.
func (r *Reader) Job(ctx context.Context, p ferry.Project, id int64) (Job, error) {
	jobs, err := r.jobsByID(ctx, p, []int64{id})
	if err == nil && len(jobs) == 0 {
		err = ferry.ErrNotFound
	}
	if err != nil {
		return Job{}, err
	}
	return jobs[0], nil
}

// jobsAt shows the jobs of pipeline row at places.
func (r *Reader) jobsAt(ctx context.Context, l *lookups, p ferry.Project, row int64, rec *pipelineRecord, places []int) ([]Job, error) {
	all, out := rec.jobs(), make([]Job, 0, len(places))
	pipeline := r.pipelineBasic(p, row, rec)
	for _, i := range places {
		if i < 0 || i >= len(all) {
			continue
		}
		j := all[i]
		user, err := l.user(ctx, j.UserID)
		if err != nil {
			return nil, err
		}
		id := row*JobIDBase + int64(i) + 1
		e := Job{ID: id, Status: j.Status, Stage: j.Stage, Name: j.Name, Ref: j.Ref, Tag: j.Tag, Coverage: j.Coverage,
			AllowFailure: j.AllowFailure, CreatedAt: timeText(j.CreatedAt), StartedAt: timeText(j.StartedAt),
			FinishedAt: timeText(j.FinishedAt), ErasedAt: timeText(j.ErasedAt), Duration: duration(j.StartedAt, j.FinishedAt),
			User: user, Pipeline: pipeline, WebURL: r.base + "/" + p.FullPath() + "/-/jobs/" + itoa(id),
			Project: map[string]any{"ci_job_token_scope_enabled": false}, Artifacts: []any{}, TagList: []string{}}
		if j.Status == "failed" {
			e.FailureReason = j.FailureReason
			if e.FailureReason == nil {
				e.FailureReason = nonEmpty("unknown_failure")
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// duration is the seconds from start to finish (null without a start),
// as Ci::Build#duration (until now while it runs).
func duration(start, finish string) *float64 {
	s, err := time.Parse(time.RFC3339Nano, store.UTCText(start))
	if start == "" || err != nil {
		return nil
	}
	f := time.Now()
	if finish != "" {
		if t, err := time.Parse(time.RFC3339Nano, store.UTCText(finish)); err == nil {
			f = t
		}
	}
	d := f.Sub(s).Seconds()
	return &d
}

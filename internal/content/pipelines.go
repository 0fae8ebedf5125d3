package content

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

type pipelineRecord struct {
	IID         *int64   `json:"iid"`
	Ref         *string  `json:"ref"`
	Sha         string   `json:"sha"`
	BeforeSha   *string  `json:"before_sha"`
	Tag         bool     `json:"tag"`
	YamlErrors  *string  `json:"yaml_errors"`
	UserID      int64    `json:"user_id"`
	Source      *string  `json:"source"`
	Status      string   `json:"status"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	StartedAt   string   `json:"started_at"`
	FinishedAt  string   `json:"finished_at"`
	CommittedAt string   `json:"committed_at"`
	Duration    *float64 `json:"duration"`
	Stages      []struct {
		Builds   []jobRecord `json:"builds"`
		Statuses []jobRecord `json:"statuses"` // archives before GitLab 13.x
	} `json:"stages"`
}

// PipelineBasic is GitLab's Ci::PipelineBasic entity; its id is the
// stored record's row id, its iid the archive's (null when it kept none).
type PipelineBasic struct {
	ID        int64   `json:"id"`
	IID       *int64  `json:"iid"`
	ProjectID int64   `json:"project_id"`
	Sha       string  `json:"sha"`
	Ref       *string `json:"ref"`
	Status    string  `json:"status"`
	Source    *string `json:"source"`
	CreatedAt *string `json:"created_at"`
	UpdatedAt *string `json:"updated_at"`
	WebURL    string  `json:"web_url"`
}

// Pipeline is GitLab's Ci::Pipeline entity.
type Pipeline struct {
	PipelineBasic
	BeforeSha      *string        `json:"before_sha"`
	Tag            bool           `json:"tag"`
	YamlErrors     *string        `json:"yaml_errors"`
	User           *UserBasic     `json:"user"`
	StartedAt      *string        `json:"started_at"`
	FinishedAt     *string        `json:"finished_at"`
	CommittedAt    *string        `json:"committed_at"`
	Duration       *int64         `json:"duration"`
	QueuedDuration *int64         `json:"queued_duration"`
	Coverage       *string        `json:"coverage"`
	DetailedStatus DetailedStatus `json:"detailed_status"`
}

// PipelineFilter selects pipelines (lib/api/ci/pipelines.rb): Scope
// running, pending or finished; Status, Ref, Sha, Source exactly ("" for
// any); YamlErrors (nil for any); updated_at bounds (store.TimeText).
// OrderBy is id, status, ref, updated_at or user_id; Sort asc or desc.
type PipelineFilter struct {
	Scope, Status, Ref, Sha, Source string
	YamlErrors                      *bool
	UpdatedBefore, UpdatedAfter     string
	OrderBy, Sort                   string
}

// finished are the statuses of scope finished (Ci::HasStatus::COMPLETED_STATUSES).
var finished = []string{"success", "failed", "canceled", "skipped"}

func (f PipelineFilter) keeps(p *pipelineRecord) bool {
	updated := store.UTCText(p.UpdatedAt)
	switch {
	case f.Scope == "finished" && !slices.Contains(finished, p.Status),
		(f.Scope == "running" || f.Scope == "pending") && p.Status != f.Scope,
		f.Status != "" && p.Status != f.Status, f.Ref != "" && deref(p.Ref) != f.Ref,
		f.Sha != "" && p.Sha != f.Sha, f.Source != "" && deref(p.Source) != f.Source,
		f.YamlErrors != nil && *f.YamlErrors != (deref(p.YamlErrors) != ""),
		f.UpdatedBefore != "" && updated >= f.UpdatedBefore, f.UpdatedAfter != "" && updated <= f.UpdatedAfter:
		return false
	}
	return true
}

// key is what OrderBy sorts p on (user ids padded to sort as text).
func (f PipelineFilter) key(p *pipelineRecord) string {
	switch f.OrderBy {
	case "status":
		return p.Status
	case "ref":
		return deref(p.Ref)
	case "updated_at":
		return store.UTCText(p.UpdatedAt)
	case "user_id":
		return fmt.Sprintf("%020d", p.UserID)
	}
	return ""
}

// Pipelines returns the page of project p's pipelines f selects and
// their total, ordered as f says, then by id (the archive's order).
func (r *Reader) Pipelines(ctx context.Context, p ferry.Project, f PipelineFilter, pg store.Page) ([]PipelineBasic, int, error) {
	var entries []catalogEntry
	err := eachRecord(ctx, r, p, "ci_pipelines", func(id int64, rec *pipelineRecord) (bool, error) {
		if f.keeps(rec) {
			entries = append(entries, catalogEntry{id: id, key: f.key(rec)})
		}
		return false, nil
	})
	if err != nil {
		return nil, 0, err
	}
	slices.SortStableFunc(entries, func(a, b catalogEntry) int {
		c := strings.Compare(a.key, b.key)
		if c == 0 {
			c = cmp.Compare(a.id, b.id)
		}
		if f.Sort != "asc" {
			c = -c
		}
		return c
	})
	page := window(entries, pg)
	out := make([]PipelineBasic, 0, len(page))
	err = r.eachOf(ctx, p, "ci_pipelines", page, func(id int64, data []byte) error {
		e, err := decodeShow(data, func(rec *pipelineRecord) (PipelineBasic, error) { return r.pipelineBasic(p, id, rec), nil })
		out = append(out, e)
		return err
	})
	return out, len(entries), err
}

// Pipeline returns project p's pipeline id. Returns ferry.ErrNotFound if
// there is none.
func (r *Reader) Pipeline(ctx context.Context, p ferry.Project, id int64) (Pipeline, error) {
	l := r.lookups()
	return recordByRow(ctx, r, p, "ci_pipelines", id,
		func(row int64, rec *pipelineRecord) (Pipeline, error) { return r.pipeline(ctx, l, p, row, rec) })
}

func (r *Reader) pipelineBasic(p ferry.Project, id int64, rec *pipelineRecord) PipelineBasic {
	return PipelineBasic{ID: id, IID: rec.IID, ProjectID: p.ID, Sha: rec.Sha, Ref: rec.Ref, Status: rec.Status,
		Source: rec.Source, CreatedAt: timeText(rec.CreatedAt), UpdatedAt: timeText(rec.UpdatedAt),
		WebURL: r.base + "/" + p.FullPath() + "/-/pipelines/" + itoa(id)}
}

func (r *Reader) pipeline(ctx context.Context, l *lookups, p ferry.Project, id int64, rec *pipelineRecord) (Pipeline, error) {
	user, err := l.user(ctx, rec.UserID)
	if err != nil {
		return Pipeline{}, err
	}
	e := Pipeline{PipelineBasic: r.pipelineBasic(p, id, rec), BeforeSha: rec.BeforeSha, Tag: rec.Tag,
		YamlErrors: rec.YamlErrors, User: user, StartedAt: timeText(rec.StartedAt), FinishedAt: timeText(rec.FinishedAt),
		CommittedAt: timeText(rec.CommittedAt)}
	e.DetailedStatus = detailedStatus(rec.Status, "/"+p.FullPath()+"/-/pipelines/"+itoa(id))
	if rec.Duration != nil {
		d := int64(*rec.Duration)
		e.Duration = &d
	}
	return e, nil
}

// LatestPipeline returns project p's newest pipeline of ref (the last in
// the archive). Returns ferry.ErrNotFound if there is none.
func (r *Reader) LatestPipeline(ctx context.Context, p ferry.Project, ref string) (Pipeline, error) {
	var latest int64
	err := eachRecord(ctx, r, p, "ci_pipelines", func(id int64, rec *pipelineRecord) (bool, error) {
		if deref(rec.Ref) == ref {
			latest = id
		}
		return false, nil
	})
	if err != nil {
		return Pipeline{}, err
	}
	return r.Pipeline(ctx, p, latest)
}

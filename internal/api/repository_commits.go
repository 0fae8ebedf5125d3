package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/ferryhq/ferry/internal/git"
)

// listCommits is GET /projects/:id/repository/commits: ref_name (default
// branch by default), path, since, until, author, all, first_parent,
// order, with_stats, page. As GitLab, the commits are not counted: no
// X-Total, and a full page has a next one.
func (a *API) listCommits(w http.ResponseWriter, r *request) error {
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	o, err := logOptions(r)
	if err != nil {
		return err
	}
	withStats, err := r.params.boolean("with_stats", false)
	if err != nil {
		return err
	}
	p, _, dir, err := a.repository(r)
	if err != nil {
		return err
	}
	if all, _ := r.params.boolean("all", false); all {
		o.Revs = []string{"--all"}
	} else {
		ref, ok := r.params.str("ref_name")
		if !ok || ref == "" {
			ref = p.DefaultBranch
		}
		sha, err := git.ResolveCommit(r.ctx(), dir, ref)
		if errors.Is(err, git.ErrNoRef) { // GitLab lists nothing
			a.writeListWithoutCount(w, r, pg, false, []commitEntity{})
			return nil
		}
		if err != nil {
			return err
		}
		o.Revs = []string{sha}
	}
	o.Skip, o.Max = (pg.page-1)*pg.perPage, pg.perPage
	list, err := git.Log(r.ctx(), dir, o)
	if err != nil {
		return err
	}
	out := make([]any, 0, len(list))
	for _, c := range list {
		if !withStats {
			out = append(out, a.commit(p, c))
			continue
		}
		stats, err := commitStatsOf(r, dir, c.ID)
		if err != nil {
			return err
		}
		out = append(out, commitWithStats{commitEntity: a.commit(p, c), Stats: stats})
	}
	a.writeListWithoutCount(w, r, pg, len(list) == pg.perPage, out)
	return nil
}

// logOptions reads path, since, until, author, first_parent and order.
func logOptions(r *request) (git.LogOptions, error) {
	var o git.LogOptions
	var err error
	o.Path, _ = r.params.str("path")
	o.Author, _ = r.params.str("author")
	if o.Since, err = r.params.dateTime("since"); err != nil {
		return o, err
	}
	if o.Until, err = r.params.dateTime("until"); err != nil {
		return o, err
	}
	order, err := r.params.oneOf("order", "default", "default", "topo")
	if err != nil {
		return o, err
	}
	o.Topo = order == "topo"
	o.FirstParent, err = r.params.boolean("first_parent", false)
	return o, err
}

// commitStatsOf counts what commit sha adds and deletes.
func commitStatsOf(r *request, dir, sha string) (*commitStats, error) {
	add, del, err := git.Stats(r.ctx(), dir, sha)
	if err != nil {
		return nil, err
	}
	return &commitStats{Additions: add, Deletions: del, Total: add + del}, nil
}

// getCommit is GET /projects/:id/repository/commits/:sha (stats by
// default).
func (a *API) getCommit(w http.ResponseWriter, r *request) error {
	withStats, err := r.params.boolean("stats", true)
	if err != nil {
		return err
	}
	p, dir, sha, err := a.commitOf(r)
	if err != nil {
		return err
	}
	list, err := git.Commits(r.ctx(), dir, sha)
	if err != nil {
		return err
	}
	out := commitDetail{commitEntity: a.commit(p, list[0]), ProjectID: p.ID}
	if withStats {
		if out.Stats, err = commitStatsOf(r, dir, sha); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// compare is GET /projects/:id/repository/compare: from, to, straight,
// from_project_id (only the project itself: Ferry has no forks).
// The commits are those of to that from lacks, oldest first; the diffs
// are from their merge base to to (from itself with straight=true).
func (a *API) compare(w http.ResponseWriter, r *request) error {
	if err := r.params.require("from", "to"); err != nil {
		return err
	}
	straight, err := r.params.boolean("straight", false)
	if err != nil {
		return err
	}
	fromProject, err := r.params.integer("from_project_id", 0)
	if err != nil {
		return err
	}
	p, _, dir, err := a.repository(r)
	if err != nil {
		return err
	}
	if fromProject != 0 && fromProject != p.ID { // Ferry has no forks
		return apiError(http.StatusBadRequest, fmt.Sprintf("Target project id:%d is not a fork of project id:%s",
			fromProject, r.PathValue("id")))
	}
	fromRef, _ := r.params.str("from")
	toRef, _ := r.params.str("to")
	from, err := resolve(r, dir, fromRef, "Ref")
	if err != nil {
		return err
	}
	to, err := resolve(r, dir, toRef, "Ref")
	if err != nil {
		return err
	}
	base := from
	if !straight {
		if base, err = git.MergeBaseOf(r.ctx(), dir, from, to); errors.Is(err, git.ErrNoRef) {
			base = from
		} else if err != nil {
			return err
		}
	}
	list, err := git.Log(r.ctx(), dir, git.LogOptions{Revs: []string{from + ".." + to}})
	if err != nil {
		return err
	}
	slices.Reverse(list)
	diffs, overflow, err := git.Diffs(r.ctx(), dir, base, to)
	if err != nil {
		return err
	}
	out := compareEntity{Commits: a.commits(p, list), Diffs: make([]diffEntity, 0, len(diffs)),
		CompareTimeout: overflow, CompareSameRef: from == to,
		WebURL: a.base + "/" + p.FullPath() + "/-/compare/" + from + "..." + to}
	if n := len(out.Commits); n > 0 {
		out.Commit = &out.Commits[n-1]
	}
	for _, d := range diffs {
		out.Diffs = append(out.Diffs, diff(d))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

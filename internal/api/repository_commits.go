package api

import (
	"errors"
	"math"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
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
		rev, err := resolveRange(r, dir, ref)
		if errors.Is(err, git.ErrNoRef) { // GitLab lists nothing
			a.writeListWithoutCount(w, r, pg, false, []commitEntity{})
			return nil
		}
		if err != nil {
			return err
		}
		o.Revs = []string{rev}
	}
	if pg.offset() > math.MaxInt32 { // past any history, and past git's --skip
		a.writeListWithoutCount(w, r, pg, false, []commitEntity{})
		return nil
	}
	o.Skip, o.Max = pg.offset(), pg.perPage
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

// resolveRange resolves a ref or a revision range ("a..b", "a...b") to
// SHAs, so that git never reads an option or a pathspec from it. Returns
// an error wrapping git.ErrNoRef when a side does not exist.
func resolveRange(r *request, dir, ref string) (string, error) {
	for _, sep := range []string{"...", ".."} {
		from, to, ok := strings.Cut(ref, sep)
		if !ok {
			continue
		}
		a, err := git.ResolveCommit(r.ctx(), dir, from)
		if err != nil {
			return "", err
		}
		b, err := git.ResolveCommit(r.ctx(), dir, to)
		return a + sep + b, err
	}
	return git.ResolveCommit(r.ctx(), dir, ref)
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

// commitOf resolves :sha (a SHA, branch or tag) in the repository of
// :id: 404 Commit Not Found when there is no such commit.
func (a *API) commitOf(r *request) (ferry.Project, string, string, error) {
	p, _, dir, err := a.repository(r)
	if err != nil {
		return p, "", "", err
	}
	sha, err := resolve(r, dir, r.PathValue("sha"), "Commit")
	return p, dir, sha, err
}

// commitDiff is GET /projects/:id/repository/commits/:sha/diff: the
// changes against the first parent, paginated.
func (a *API) commitDiff(w http.ResponseWriter, r *request) error {
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	_, dir, sha, err := a.commitOf(r)
	if err != nil {
		return err
	}
	diffs, _, err := git.CommitDiffs(r.ctx(), dir, sha)
	if err != nil {
		return err
	}
	writePage(a, w, r, pg, diffs, diff)
	return nil
}

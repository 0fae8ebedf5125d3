package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/git"
)

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

// writePage answers pg's page of items, each shown by show, with GitLab's
// pagination headers.
func writePage[T, E any](a *API, w http.ResponseWriter, r *request, pg pager, items []T, show func(T) E) {
	a.writeList(w, r, pg, len(items), mapSlice(pageOf(pg, items), show))
}

// mapSlice shows each item (an empty list, never null, for none).
func mapSlice[T, E any](items []T, show func(T) E) []E {
	out := make([]E, 0, len(items))
	for _, item := range items {
		out = append(out, show(item))
	}
	return out
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

// basicRef is GitLab's Entities::BasicRef.
type basicRef struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

// commitRefs is GET /projects/:id/repository/commits/:sha/refs (type:
// branch, tag or all): the branches and tags that hold the commit.
func (a *API) commitRefs(w http.ResponseWriter, r *request) error {
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	kind, err := r.params.oneOf("type", "all", "branch", "tag", "all")
	if err != nil {
		return err
	}
	_, dir, sha, err := a.commitOf(r)
	if err != nil {
		return err
	}
	var refs []basicRef
	for _, k := range []string{"branch", "tag"} {
		if kind != "all" && kind != k {
			continue
		}
		names, err := git.RefsContaining(r.ctx(), dir, sha, k)
		if err != nil {
			return err
		}
		for _, n := range names {
			refs = append(refs, basicRef{Type: k, Name: n})
		}
	}
	// GitLab does not count them (paginate without_count)
	a.writeListWithoutCount(w, r, pg, len(refs) > pg.page*pg.perPage, append([]basicRef{}, pageOf(pg, refs)...))
	return nil
}

// mergeBase is GET /projects/:id/repository/merge_base: refs (two or
// more, repeated or comma-separated). 400 for fewer refs or unknown ones,
// 404 Merge Base Not Found when they share no history.
func (a *API) mergeBase(w http.ResponseWriter, r *request) error {
	if err := r.params.require("refs"); err != nil {
		return err
	}
	var refs []string
	for _, v := range r.params.list("refs") {
		refs = append(refs, strings.Split(v, ",")...)
	}
	p, _, dir, err := a.repository(r)
	if err != nil {
		return err
	}
	if len(refs) < 2 {
		return apiError(http.StatusBadRequest, "Provide at least 2 refs")
	}
	var shas, unknown []string
	for _, ref := range refs {
		sha, err := git.ResolveCommit(r.ctx(), dir, ref)
		if errors.Is(err, git.ErrNoRef) {
			unknown = append(unknown, ref)
		} else if err != nil {
			return err
		}
		shas = append(shas, sha)
	}
	if len(unknown) > 0 {
		noun := "ref"
		if len(unknown) > 1 {
			noun = "refs"
		}
		return apiError(http.StatusBadRequest, "Could not find "+noun+": "+strings.Join(unknown, ", "))
	}
	base, err := git.MergeBaseOf(r.ctx(), dir, shas...)
	if errors.Is(err, git.ErrNoRef) {
		return notFound("Merge Base")
	}
	if err != nil {
		return err
	}
	list, err := git.Commits(r.ctx(), dir, base)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.commit(p, list[0]))
	return nil
}

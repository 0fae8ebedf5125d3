package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ferryhq/ferry/internal/git"
)

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

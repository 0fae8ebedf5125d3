package api

import (
	"context"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/git"
)

// repository resolves :id for reading its code (GitLab's download_code):
// 404 Project Not Found for a project the caller may not see, 403 for one
// whose code they may not read (a Guest of a private project).
func (a *API) repository(r *request) (ferry.Project, ferry.AccessLevel, string, error) {
	p, level, err := a.findProject(r)
	if err != nil {
		return p, level, "", err
	}
	if !auth.CanReadCode(r.user, level, p.Visibility) {
		return p, level, "", forbidden("")
	}
	dir := a.repos.Dir(p.ID)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		// Not made yet, or swapped for a rebuilt one at this instant: it
		// reads as empty, never as an error.
		dir, err = a.repos.Empty(r.ctx())
		return p, level, dir, err
	}
	return p, level, dir, nil
}

// resolve returns the commit ref names in dir, or 404 "<what> Not Found".
func resolve(r *request, dir, ref, what string) (string, error) {
	sha, err := git.ResolveCommit(r.ctx(), dir, ref)
	if errors.Is(err, git.ErrNoRef) {
		return "", notFound(what)
	}
	return sha, err
}

// commitsByID loads the commits shas name ("" are skipped), by SHA.
func commitsByID(r *request, dir string, shas []string) (map[string]git.Commit, error) {
	shas = slices.DeleteFunc(slices.Clone(shas), func(sha string) bool { return sha == "" })
	list, err := git.Commits(r.ctx(), dir, shas...)
	byID := map[string]git.Commit{}
	for _, c := range list {
		byID[c.ID] = c
	}
	return byID, err
}

// refCommits is the commits refs lead to.
func refCommits(refs []git.Ref) []string {
	shas := make([]string, 0, len(refs))
	for _, ref := range refs {
		shas = append(shas, ref.Commit)
	}
	return shas
}

// refKind is what GET .../branches and .../tags share: how the refs are
// listed and shown, and what a missing one is called.
type refKind[T any] struct {
	// order reads the sort parameters into a for-each-ref sort key.
	order func(p params) (string, error)
	list  func(ctx context.Context, dir, order string) ([]git.Ref, error)
	show  func(r *request, p ferry.Project, level ferry.AccessLevel, dir string, refs []git.Ref) ([]T, error)
	what  string // in 404 <what> Not Found
	param string // the path value naming one
	// invalid, when set, answers 400 for a name git refuses (GitLab's
	// find_branch!).
	invalid string
}

// branchKind is the branches of a repository.
func (a *API) branchKind() refKind[branchEntity] {
	return refKind[branchEntity]{order: branchOrder, list: git.BranchRefs, show: a.branches, what: "Branch", param: "branch",
		invalid: "The branch refname is invalid"}
}

// tagKind is the tags of a repository.
func (a *API) tagKind() refKind[tagEntity] {
	return refKind[tagEntity]{order: tagOrder, list: git.TagRefs, show: a.tags, what: "Tag", param: "tag"}
}

// branchOrder reads GitLab's branch sort (name_asc, updated_asc,
// updated_desc).
func branchOrder(p params) (string, error) {
	sort, err := p.oneOf("sort", "name_asc", "name_asc", "updated_asc", "updated_desc")
	return map[string]string{"name_asc": "refname", "updated_asc": "committerdate",
		"updated_desc": "-committerdate"}[sort], err
}

// tagOrder reads GitLab's tag order_by (name, updated, version; updated
// by default) and sort (asc, desc; desc by default).
func tagOrder(p params) (string, error) {
	by, err := p.oneOf("order_by", "updated", "name", "updated", "version")
	if err != nil {
		return "", err
	}
	sort, err := p.oneOf("sort", "desc", "asc", "desc")
	key := map[string]string{"name": "refname", "updated": "creatordate", "version": "version:refname"}[by]
	if sort == "desc" {
		key = "-" + key
	}
	return key, err
}

// load reads the repository of :id and lists its refs of kind k.
func (k refKind[T]) load(a *API, r *request) (ferry.Project, ferry.AccessLevel, string, []git.Ref, error) {
	order, err := k.order(r.params)
	if err != nil {
		return ferry.Project{}, 0, "", nil, err
	}
	p, level, dir, err := a.repository(r)
	if err != nil {
		return p, level, dir, nil, err
	}
	refs, err := k.list(r.ctx(), dir, order)
	if goneDuring(err, dir) {
		dir, err = a.repos.Empty(r.ctx())
		return p, level, dir, nil, err
	}
	return p, level, dir, refs, err
}

// goneDuring reports whether a git read of dir failed because the
// repository was removed while git read it (its project deleted, or
// replaced by an overwriting import, at that instant): the read then
// answers as for an empty repository, as one that is already gone does,
// not 500.
func goneDuring(err error, dir string) bool {
	if err == nil {
		return false
	}
	_, serr := os.Stat(dir)
	return errors.Is(serr, os.ErrNotExist)
}

// listRefs is GET /projects/:id/repository/branches and /tags (search,
// page).
func listRefs[T any](a *API, k refKind[T]) handler {
	return func(w http.ResponseWriter, r *request) error {
		pg, err := readPager(r.params)
		if err != nil {
			return err
		}
		p, level, dir, refs, err := k.load(a, r)
		if err != nil {
			return err
		}
		if search, _ := r.params.str("search"); search != "" {
			refs = slices.DeleteFunc(refs, func(ref git.Ref) bool { return !matchesSearch(ref.Name, search) })
		}
		out, err := k.show(r, p, level, dir, pageOf(pg, refs))
		if goneDuring(err, dir) {
			if dir, err = a.repos.Empty(r.ctx()); err != nil {
				return err
			}
			refs = nil
			out, err = k.show(r, p, level, dir, nil)
		}
		if err != nil {
			return err
		}
		a.writeList(w, r, pg, len(refs), out)
		return nil
	}
}

// find loads the refs of kind k and finds the one the path names: 404
// <what> Not Found when there is none.
func (k refKind[T]) find(a *API, r *request) (ferry.Project, ferry.AccessLevel, string, []git.Ref, int, error) {
	name := r.PathValue(k.param)
	p, level, dir, refs, err := k.load(a, r)
	if err == nil && k.invalid != "" && !ferry.ValidBranchName(name) {
		err = apiError(http.StatusBadRequest, k.invalid)
	}
	if err != nil {
		return p, level, dir, nil, -1, err
	}
	i := slices.IndexFunc(refs, func(ref git.Ref) bool { return ref.Name == name })
	if i < 0 {
		return p, level, dir, nil, -1, notFound(k.what)
	}
	return p, level, dir, refs, i, nil
}

// headBranch is HEAD /projects/:id/repository/branches/:branch: 204 when
// the branch exists, 404 otherwise, without a body.
func (a *API) headBranch(w http.ResponseWriter, r *request) error {
	status := http.StatusNoContent
	if _, _, _, _, _, err := a.branchKind().find(a, r); err != nil {
		var he *httpError
		if !errors.As(err, &he) || he.Status != http.StatusNotFound && he.Status != http.StatusBadRequest {
			return err
		}
		status = http.StatusNotFound
	}
	w.WriteHeader(status)
	return nil
}

// getRef is GET /projects/:id/repository/branches/:branch and
// /tags/:tag: 404 Branch (Tag) Not Found when there is none.
func getRef[T any](a *API, k refKind[T]) handler {
	return func(w http.ResponseWriter, r *request) error {
		p, level, dir, refs, i, err := k.find(a, r)
		if err != nil {
			return err
		}
		out, err := k.show(r, p, level, dir, refs[i:i+1])
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out[0])
		return nil
	}
}

// matchesSearch is GitLab's branch search: a substring, or with ^ and $
// a prefix and a suffix, case-insensitive.
func matchesSearch(name, search string) bool {
	name, search = strings.ToLower(name), strings.ToLower(search)
	prefix, suffix := strings.HasPrefix(search, "^"), strings.HasSuffix(search, "$")
	term := strings.TrimSuffix(strings.TrimPrefix(search, "^"), "$")
	switch {
	case prefix && suffix:
		return name == term
	case prefix:
		return strings.HasPrefix(name, term)
	case suffix:
		return strings.HasSuffix(name, term)
	}
	return strings.Contains(name, term)
}

// branches shows refs as GitLab's Entities::Branch, with p's protected
// branches (see protectionOf).
func (a *API) branches(r *request, p ferry.Project, level ferry.AccessLevel, dir string, refs []git.Ref) ([]branchEntity, error) {
	commits, err := commitsByID(r, dir, refCommits(refs))
	if err != nil {
		return nil, err
	}
	merged, err := git.MergedInto(r.ctx(), dir, p.DefaultBranch)
	if err != nil {
		return nil, err
	}
	rules, err := a.protectionOf(r.ctx(), p)
	if err != nil {
		return nil, err
	}
	out := make([]branchEntity, 0, len(refs))
	for _, ref := range refs {
		out = append(out, branchEntity{Name: ref.Name, Commit: a.commit(p, commits[ref.Commit]),
			Merged: merged[ref.Name], Protected: rules.protects(ref.Name),
			DevelopersCanPush: rules.developersCan(ref.Name, false), DevelopersCanMerge: rules.developersCan(ref.Name, true),
			CanPush: r.user != nil && rules.canPush(ref.Name, level), Default: ref.Name == p.DefaultBranch,
			WebURL: a.base + "/" + p.FullPath() + "/-/tree/" + ref.Name})
	}
	return out, nil
}

// tags shows refs as GitLab's Entities::Tag, protected by the
// protected_tags an import stored.
func (a *API) tags(r *request, p ferry.Project, _ ferry.AccessLevel, dir string, refs []git.Ref) ([]tagEntity, error) {
	commits, err := commitsByID(r, dir, refCommits(refs))
	if err != nil {
		return nil, err
	}
	rules, err := a.importedRules(r.ctx(), p, "protected_tags")
	if err != nil {
		return nil, err
	}
	out := make([]tagEntity, 0, len(refs))
	for _, ref := range refs {
		tag := tagEntity{Name: ref.Name, Message: ref.Message, Target: ref.Target, Protected: rules.protects(ref.Name)}
		if c, ok := commits[ref.Commit]; ok {
			shown := a.commit(p, c)
			tag.Commit = &shown
		}
		out = append(out, tag)
	}
	return out, nil
}

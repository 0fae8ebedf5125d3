package api

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/ferryhq/ferry/internal/git"
)

// contributorEntity is GitLab's Entities::Contributor (Gitaly counts no
// lines: additions and deletions are 0).
type contributorEntity struct {
	Name      string `json:"name"`
	Email     string `json:"email"`
	Commits   int    `json:"commits"`
	Additions int    `json:"additions"`
	Deletions int    `json:"deletions"`
}

// listContributors is GET /projects/:id/repository/contributors: ref
// (the default branch by default), order_by (commits, name, email), sort
// (asc, desc), page. Any failure is 404 Not Found, as in GitLab.
func (a *API) listContributors(w http.ResponseWriter, r *request) error {
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	by, err := r.params.oneOf("order_by", "commits", "email", "name", "commits")
	if err != nil {
		return err
	}
	sort, err := r.params.oneOf("sort", "asc", "asc", "desc")
	if err != nil {
		return err
	}
	p, _, dir, err := a.repository(r)
	if err != nil {
		return err
	}
	sha, err := resolve(r, dir, refOrDefault(r, p), "")
	if err != nil {
		return err
	}
	list, err := git.Contributors(r.ctx(), dir, sha)
	if err != nil {
		return notFound("")
	}
	slices.SortStableFunc(list, func(x, y git.Contributor) int {
		c := map[string]int{"commits": cmp.Compare(x.Commits, y.Commits), "name": cmp.Compare(x.Name, y.Name),
			"email": cmp.Compare(x.Email, y.Email)}[by]
		if sort == "desc" {
			return -c
		}
		return c
	})
	writePage(a, w, r, pg, list, func(c git.Contributor) contributorEntity {
		return contributorEntity{Name: c.Name, Email: c.Email, Commits: c.Commits}
	})
	return nil
}

// commitSequence is GET /projects/:id/repository/commits/:sha/sequence
// (first_parent): how many commits lead to it.
func (a *API) commitSequence(w http.ResponseWriter, r *request) error {
	firstParent, err := r.params.boolean("first_parent", false)
	if err != nil {
		return err
	}
	_, dir, sha, err := a.commitOf(r)
	if err != nil {
		return err
	}
	n, err := git.CountCommits(r.ctx(), dir, sha, firstParent)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"count": n})
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
	a.writeListWithoutCount(w, r, pg, len(refs) > pg.store().End(), append([]basicRef{}, pageOf(pg, refs)...))
	return nil
}

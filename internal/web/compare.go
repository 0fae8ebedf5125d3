package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/git"
)

// compareView is what one ref holds that another lacks.
type compareView struct {
	From, To  string
	Commits   []git.Commit
	Diffs     []git.Diff
	Truncated bool
}

// maxCompareCommits is how many commits the compare page lists.
const maxCompareCommits = 100

// compare is /<project>/-/compare/<from>...<to> (a compare's web_url):
// the commits of to that from lacks, oldest first, and the diff from
// their merge base to to, as the API's repository/compare.
func (s *Web) compare(w http.ResponseWriter, r *request) error {
	dir, err := s.codeDir(r)
	if err != nil {
		return err
	}
	fromRef, toRef, ok := strings.Cut(r.rest, "...")
	if !ok || fromRef == "" || toRef == "" {
		return ferry.ErrNotFound
	}
	from, err := git.ResolveCommit(r.ctx(), dir, fromRef)
	if err != nil {
		return err
	}
	to, err := git.ResolveCommit(r.ctx(), dir, toRef)
	if err != nil {
		return err
	}
	base, err := git.MergeBaseOf(r.ctx(), dir, from, to)
	if errors.Is(err, git.ErrNoRef) {
		base, err = from, nil
	}
	if err != nil {
		return err
	}
	list, err := git.Log(r.ctx(), dir, git.LogOptions{Revs: []string{from + ".." + to}, Max: maxCompareCommits})
	if err != nil {
		return err
	}
	slices.Reverse(list)
	v := compareView{From: fromRef, To: toRef, Commits: list}
	if v.Diffs, v.Truncated, err = git.Diffs(r.ctx(), dir, base, to); err != nil {
		return err
	}
	return s.render(w, r, "compare", v)
}

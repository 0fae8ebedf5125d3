package web

import (
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/git"
)

// commitsView is a page of a ref's history.
type commitsView struct {
	refPath
	Commits []git.Commit
	Pages   pager
}

// commitsPerPage is the length of a page of history.
const commitsPerPage = 40

// commits is /<project>/-/commits/<ref>[/<path>]: the history, newest
// first, paged with ?page=.
func (s *Web) commits(w http.ResponseWriter, r *request) error {
	dir, at, err := s.codeAt(r)
	if err != nil {
		return err
	}
	pg := s.pageOf(r)
	pg.PerPage = commitsPerPage
	// One more than the page tells whether there is a next page without
	// counting the history.
	list, err := git.Log(r.ctx(), dir, git.LogOptions{Revs: []string{at.SHA}, Path: at.Path,
		Skip: pg.Offset(), Max: commitsPerPage + 1})
	if err != nil {
		return err
	}
	total := pg.Offset() + len(list)
	v := commitsView{refPath: at, Commits: list[:min(len(list), commitsPerPage)], Pages: newPager(r, pg, total)}
	return s.render(w, r, "commits", v)
}

// commitView is one commit with its changes.
type commitView struct {
	Commit    git.Commit
	Diffs     []git.Diff
	Truncated bool
}

// commit is /<project>/-/commit/<sha>: the commit and its diff to its
// first parent.
func (s *Web) commit(w http.ResponseWriter, r *request) error {
	dir, err := s.codeDir(r)
	if err != nil {
		return err
	}
	if r.rest == "" || strings.Contains(r.rest, "/") {
		return ferry.ErrNotFound
	}
	sha, err := git.ResolveCommit(r.ctx(), dir, r.rest)
	if err != nil {
		return err
	}
	list, err := git.Commits(r.ctx(), dir, sha)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return ferry.ErrNotFound
	}
	diffs, truncated, err := git.CommitDiffs(r.ctx(), dir, sha)
	if err != nil {
		return err
	}
	return s.render(w, r, "commit", commitView{Commit: list[0], Diffs: diffs, Truncated: truncated})
}

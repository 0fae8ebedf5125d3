package api

import (
	"errors"
	"net/http"
	"os"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/git"
	"github.com/ferryhq/ferry/internal/store"
)

// The notes on a commit (lib/api/commits.rb, lib/api/discussions.rb):
// read by those who may read the code, of a commit the repository holds
// (404 Commit Not Found otherwise).

// commitNotesOf resolves :sha in :id's repository, with who reads it.
func (a *API) commitNotesOf(r *request) (ferry.Project, content.Viewer, string, error) {
	p, level, dir, err := a.repository(r)
	v := content.Viewer{User: r.user, Level: level}
	if err != nil {
		return p, v, "", err
	}
	sha, err := resolve(r, dir, r.PathValue("sha"), "Commit")
	return p, v, sha, err
}

// commitList answers a page of what read reads of the commit :sha
// names, with GitLab's pagination headers.
func (a *API) commitList(read func(r *request, p ferry.Project, v content.Viewer, sha string, pg store.Page) (any, int, error)) handler {
	return func(w http.ResponseWriter, r *request) error {
		pg, err := readPager(r.params)
		if err != nil {
			return err
		}
		p, v, sha, err := a.commitNotesOf(r)
		if err != nil {
			return err
		}
		items, total, err := read(r, p, v, sha, pg.store())
		if err != nil {
			return err
		}
		a.writeList(w, r, pg, total, items)
		return nil
	}
}

// listCommitComments is GET /projects/:id/repository/commits/:sha/comments:
// the commit's notes as CommitNote entities, oldest first.
func (a *API) listCommitComments(r *request, p ferry.Project, v content.Viewer, sha string, pg store.Page) (any, int, error) {
	return anyPage(a.content.CommitComments(r.ctx(), v, p, sha, pg))
}

// listCommitDiscussions is GET /projects/:id/repository/commits/:sha/discussions.
func (a *API) listCommitDiscussions(r *request, p ferry.Project, v content.Viewer, sha string, pg store.Page) (any, int, error) {
	return anyPage(a.content.CommitDiscussions(r.ctx(), v, p, sha, pg))
}

// getCommitDiscussion is GET
// /projects/:id/repository/commits/:sha/discussions/:discussion_id: 404
// Discussion Not Found for one the commit has not.
func (a *API) getCommitDiscussion(w http.ResponseWriter, r *request) error {
	p, v, sha, err := a.commitNotesOf(r)
	if err != nil {
		return err
	}
	d, err := a.content.CommitDiscussion(r.ctx(), v, p, sha, r.PathValue("discussion_id"))
	if errors.Is(err, content.ErrNoDiscussion) {
		return notFound("Discussion")
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// commitNoteTitles fills in the target_title of the events of notes on
// commits: the commit's title (Note#title, its noteable's), null when the
// repository has not the commit.
func (a *API) commitNoteTitles(r *request, p ferry.Project, events []content.Event) error {
	dir := a.repos.Dir(p.ID)
	titles := map[string]*string{}
	for i, e := range events {
		if e.CommitID == "" {
			continue
		}
		title, ok := titles[e.CommitID]
		if !ok {
			var err error
			if title, err = commitTitle(r, dir, e.CommitID); err != nil {
				return err
			}
			titles[e.CommitID] = title
		}
		events[i].TargetTitle = title
	}
	return nil
}

// commitTitle is the title of the commit sha names in dir; nil when there
// is none (or no repository).
func commitTitle(r *request, dir, sha string) (*string, error) {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	full, err := git.ResolveCommit(r.ctx(), dir, sha)
	if errors.Is(err, git.ErrNoRef) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	list, err := git.Commits(r.ctx(), dir, full)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0].Title, nil
}

package api

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/git"
	"github.com/ferryhq/ferry/internal/store"
)

// The read endpoints over an imported project's stored relations:
// releases, protected branches and tags, badges, pipelines and jobs.

// pageReader reads one page of a project's records and their total.
type pageReader func(r *request, p ferry.Project, v content.Viewer, pg store.Page) (any, int, error)

// itemReader reads one of a project's records; ferry.ErrNotFound when
// there is none.
type itemReader func(r *request, p ferry.Project, v content.Viewer) (any, error)

// anyReader may read what the project shows its readers.
func anyReader(ferry.Project, ferry.AccessLevel) bool { return true }

// canAdminProject may read protected tags (manage_protected_tags).
func canAdminProject(_ ferry.Project, level ferry.AccessLevel) bool {
	return auth.CanAdminProject(level)
}

// canReadCode may read protected branches (read_code).
func canReadCode(p ferry.Project, level ferry.AccessLevel) bool {
	return auth.ReadsCode(level, p.Visibility)
}

// canReadBuilds may read pipelines and jobs.
func canReadBuilds(p ferry.Project, level ferry.AccessLevel) bool {
	return auth.CanReadBuilds(level, p.Visibility)
}

// projectRecord finds the project and checks that the caller's level
// allows the route (403 Forbidden otherwise).
func (a *API) projectRecord(r *request, allowed func(ferry.Project, ferry.AccessLevel) bool) (ferry.Project, content.Viewer, error) {
	p, level, err := a.findProject(r)
	v := content.Viewer{User: r.user, Level: level}
	if err != nil {
		return p, v, err
	}
	if !allowed(p, level) {
		return p, v, forbidden("")
	}
	return p, v, nil
}

// recordList answers a page of what read reads, with GitLab's
// pagination headers.
func (a *API) recordList(allowed func(ferry.Project, ferry.AccessLevel) bool, read pageReader) handler {
	return func(w http.ResponseWriter, r *request) error {
		p, v, err := a.projectRecord(r, allowed)
		if err != nil {
			return err
		}
		pg, err := readPager(r.params)
		if err != nil {
			return err
		}
		items, total, err := read(r, p, v, pg.store())
		if err != nil {
			return err
		}
		a.writeList(w, r, pg, total, items)
		return nil
	}
}

// recordItem answers what read reads, or 404 with missing as GitLab
// words it.
func (a *API) recordItem(allowed func(ferry.Project, ferry.AccessLevel) bool, missing string, read itemReader) handler {
	return func(w http.ResponseWriter, r *request) error {
		p, v, err := a.projectRecord(r, allowed)
		if err != nil {
			return err
		}
		item, err := read(r, p, v)
		if errors.Is(err, ferry.ErrNotFound) {
			return &httpError{Status: http.StatusNotFound, Body: message{missing}}
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, item)
		return nil
	}
}

// listReleases is GET /projects/:id/releases (lib/api/releases.rb):
// order_by, sort, updated_before, updated_after;
// include_html_description is read (Ferry renders no Markdown).
func (a *API) listReleases(r *request, p ferry.Project, v content.Viewer, pg store.Page) (any, int, error) {
	var f content.ReleaseFilter
	var err error
	if f.OrderBy, err = r.params.oneOf("order_by", "released_at", "released_at", "created_at"); err != nil {
		return nil, 0, err
	}
	if f.Sort, err = r.params.oneOf("sort", "desc", "asc", "desc"); err != nil {
		return nil, 0, err
	}
	if _, err := r.params.boolean("include_html_description", false); err != nil {
		return nil, 0, err
	}
	var times content.Filter
	if err := readTimes(r, &times); err != nil {
		return nil, 0, err
	}
	f.UpdatedBefore, f.UpdatedAfter = times.UpdatedBefore, times.UpdatedAfter
	list, total, err := a.content.Releases(r.ctx(), v, p, f, pg)
	if err == nil {
		err = a.releaseCommits(r, p, list)
	}
	return list, total, err
}

// getRelease is GET /projects/:id/releases/:tag_name.
func (a *API) getRelease(r *request, p ferry.Project, v content.Viewer) (any, error) {
	e, err := a.content.Release(r.ctx(), v, p, r.PathValue("tag_name"))
	if err != nil {
		return e, err
	}
	list := []content.Release{e}
	err = a.releaseCommits(r, p, list)
	return list[0], err
}

// releaseCommits shows each release's commit, as GitLab's Release#commit
// finds it in the repository (null when the repository lacks it).
func (a *API) releaseCommits(r *request, p ferry.Project, list []content.Release) error {
	dir := a.repos.Dir(p.ID)
	for i := range list {
		if list[i].Sha == "" {
			continue
		}
		found, err := git.Commits(r.ctx(), dir, list[i].Sha)
		if errors.Is(err, git.ErrNoRef) {
			continue
		}
		if err != nil {
			return err
		}
		if len(found) == 1 {
			list[i].Commit = a.commit(p, found[0])
		}
	}
	return nil
}

// listProtectedBranches is GET /projects/:id/protected_branches
// (lib/api/protected_branches.rb): search (in the name, any letter case).
func (a *API) listProtectedBranches(r *request, p ferry.Project, v content.Viewer, pg store.Page) (any, int, error) {
	search, _ := r.params.str("search")
	return anyPage(a.content.ProtectedBranches(r.ctx(), p, search, pg))
}

func (a *API) getProtectedBranch(r *request, p ferry.Project, v content.Viewer) (any, error) {
	return a.content.ProtectedBranch(r.ctx(), p, r.PathValue("name"))
}

func (a *API) listProtectedTags(r *request, p ferry.Project, v content.Viewer, pg store.Page) (any, int, error) {
	return anyPage(a.content.ProtectedTags(r.ctx(), p, pg))
}

func (a *API) getProtectedTag(r *request, p ferry.Project, v content.Viewer) (any, error) {
	return a.content.ProtectedTag(r.ctx(), p, r.PathValue("name"))
}

// listBadges is GET /projects/:id/badges (lib/api/badges.rb): name.
func (a *API) listBadges(r *request, p ferry.Project, v content.Viewer, pg store.Page) (any, int, error) {
	name, _ := r.params.str("name")
	return anyPage(a.content.Badges(r.ctx(), p, name, pg))
}

// getBadge is GET /projects/:id/badges/:badge_id.
func (a *API) getBadge(r *request, p ferry.Project, v content.Viewer) (any, error) {
	id, err := strconv.ParseInt(r.PathValue("badge_id"), 10, 64)
	if err != nil {
		return nil, ferry.ErrNotFound
	}
	return a.content.Badge(r.ctx(), p, id)
}

// listSnippets is GET /projects/:id/snippets (lib/api/project_snippets.rb).
func (a *API) listSnippets(r *request, p ferry.Project, v content.Viewer, pg store.Page) (any, int, error) {
	return anyPage(a.content.Snippets(r.ctx(), v, p, pg))
}

// getSnippet is GET /projects/:id/snippets/:snippet_id.
func (a *API) getSnippet(r *request, p ferry.Project, v content.Viewer) (any, error) {
	id, err := pathID(r, "snippet_id")
	if err != nil {
		return nil, err
	}
	return a.content.Snippet(r.ctx(), v, p, id)
}

// listEvents is GET /projects/:id/events (lib/api/events.rb): action,
// target_type, before, after (dates), sort.
func (a *API) listEvents(r *request, p ferry.Project, v content.Viewer, pg store.Page) (any, int, error) {
	var f content.EventFilter
	var err error
	if f.Action, err = r.params.oneOf("action", "", "", "created", "updated", "closed", "reopened", "pushed", "commented",
		"merged", "joined", "left", "destroyed", "expired", "approved"); err != nil {
		return nil, 0, err
	}
	if f.TargetType, err = r.params.oneOf("target_type", "", "", "issue", "milestone", "merge_request", "note", "project",
		"snippet", "user", "wiki", "design"); err != nil {
		return nil, 0, err
	}
	if f.Sort, err = r.params.oneOf("sort", "desc", "asc", "desc"); err != nil {
		return nil, 0, err
	}
	for key, to := range map[string]*string{"before": &f.Before, "after": &f.After} {
		if *to, _ = r.params.str(key); *to != "" {
			if _, err := time.Parse(time.DateOnly, *to); err != nil {
				return nil, 0, &ferry.ParamError{Param: key, Reason: "is invalid"}
			}
		}
	}
	events, total, err := a.content.Events(r.ctx(), v, p, f, pg)
	if err == nil {
		err = a.commitNoteTitles(r, p, events)
	}
	return events, total, err
}

// latestRelease is GET /projects/:id/releases/permalink/latest[/*suffix]:
// a redirect to the latest release (and the suffix under it), with the
// query kept, as GitLab; 404 Not Found without releases.
func (a *API) latestRelease(w http.ResponseWriter, r *request) error {
	p, _, err := a.projectRecord(r, canReadCode)
	if err != nil {
		return err
	}
	tag, err := a.content.LatestReleaseTag(r.ctx(), p)
	if errors.Is(err, ferry.ErrNotFound) {
		return notFound("")
	}
	if err != nil {
		return err
	}
	to := "/api/v4/projects/" + strconv.FormatInt(p.ID, 10) + "/releases/" + url.PathEscape(tag)
	if suffix := r.PathValue("suffix"); suffix != "" {
		to += "/" + suffix
	}
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r.Request, to, http.StatusFound)
	return nil
}

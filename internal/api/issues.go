package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/store"
)

// issuableRoute is what the issue and merge request endpoints differ in:
// the parameters, GitLab's name in a 404 and the path value of the iid.
type issuableRoute struct {
	params issuableParams
	what   string // "Issue" or "Merge Request"
	iidKey string // issue_iid or merge_request_iid
}

var (
	issueRoute        = issuableRoute{params: issueParams, what: "Issue", iidKey: "issue_iid"}
	mergeRequestRoute = issuableRoute{params: mergeRequestParams, what: "Merge Request", iidKey: "merge_request_iid"}
)

// listIssuables is GET /projects/:id/issues and /merge_requests, or GET
// /issues and /merge_requests across the projects the caller may read
// (inProject false).
func (a *API) listIssuables(rt issuableRoute, inProject bool) handler {
	return func(w http.ResponseWriter, r *request) error {
		v := content.Viewer{User: r.user}
		ip := rt.params
		ip.scope = "created_by_me"
		var projectID int64
		if inProject {
			p, level, err := a.findProject(r)
			if err != nil {
				return err
			}
			v.Level, projectID, ip.scope = level, p.ID, "all"
		}
		f, pg, err := a.readIssuableFilter(r, ip)
		if err != nil {
			return err
		}
		f.ProjectID, f.CountLimit = projectID, maxCounted
		var (
			page  any
			total store.ListTotal
		)
		if rt.params.kind == store.IssueKind {
			page, total, err = a.issues(r, v, f)
		} else {
			page, total, err = a.mergeRequests(r, v, f)
		}
		if err != nil {
			return err
		}
		a.writeCounted(w, r, pg, total, page)
		return nil
	}
}

// issues lists issues, their labels as objects with with_labels_details.
func (a *API) issues(r *request, v content.Viewer, f content.Filter) (any, store.ListTotal, error) {
	details, err := r.params.boolean("with_labels_details", false)
	if err != nil {
		return nil, store.ListTotal{}, err
	}
	issues, total, err := a.content.Issues(r.ctx(), v, f)
	if err == nil && details {
		err = a.content.IssueLabelDetails(r.ctx(), issues)
	}
	return issues, total, err
}

// mergeRequests lists merge requests, as GitLab's MergeRequestSimple with
// view=simple, their labels as objects with with_labels_details.
func (a *API) mergeRequests(r *request, v content.Viewer, f content.Filter) (any, store.ListTotal, error) {
	view, err := r.params.oneOf("view", "", "simple")
	if err != nil {
		return nil, store.ListTotal{}, err
	}
	details, err := r.params.boolean("with_labels_details", false)
	if err != nil {
		return nil, store.ListTotal{}, err
	}
	mrs, total, err := a.content.MergeRequests(r.ctx(), v, f)
	switch {
	case err != nil:
		return nil, total, err
	case view == "simple":
		return content.Simple(mrs), total, nil
	case details:
		err = a.content.MergeRequestLabelDetails(r.ctx(), mrs)
	}
	return mrs, total, err
}

// findIssuable resolves :id and the iid of an issue or merge request
// route. Returns 404 Project Not Found, or a *ferry.ParamError (400
// "issue_iid is invalid", as Grape) for an iid that is no number.
func (a *API) findIssuable(r *request, rt issuableRoute) (ferry.Project, content.Viewer, int64, error) {
	p, level, err := a.findProject(r)
	if err != nil {
		return p, content.Viewer{}, 0, err
	}
	iid, err := strconv.ParseInt(r.PathValue(rt.iidKey), 10, 64)
	if err != nil {
		return p, content.Viewer{}, 0, &ferry.ParamError{Param: rt.iidKey}
	}
	return p, content.Viewer{User: r.user, Level: level}, iid, nil
}

// getIssuable is GET /projects/:id/issues/:issue_iid and
// /merge_requests/:merge_request_iid.
func (a *API) getIssuable(rt issuableRoute) handler {
	return func(w http.ResponseWriter, r *request) error {
		p, v, iid, err := a.findIssuable(r, rt)
		if err != nil {
			return err
		}
		var e any
		if rt.params.kind == store.IssueKind {
			e, err = a.content.Issue(r.ctx(), v, p, iid)
		} else {
			e, err = a.content.MergeRequest(r.ctx(), v, p, iid)
		}
		if errors.Is(err, ferry.ErrNotFound) {
			return notFound(rt.what)
		}
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, e)
		return nil
	}
}

// threadReader reads one page of an issuable's notes or discussions.
type threadReader func(r *request, p ferry.Project, v content.Viewer, iid int64, pg store.Page) (any, int, error)

// listThread answers a page of what read reads of the issuable the
// route names.
func (a *API) listThread(rt issuableRoute, read threadReader) handler {
	return func(w http.ResponseWriter, r *request) error {
		p, v, iid, err := a.findIssuable(r, rt)
		if err != nil {
			return err
		}
		pg, err := readPager(r.params)
		if err != nil {
			return err
		}
		page, total, err := read(r, p, v, iid, pg.store())
		if errors.Is(err, ferry.ErrNotFound) {
			return notFound(rt.what)
		}
		if err != nil {
			return err
		}
		a.writeList(w, r, pg, total, page)
		return nil
	}
}

// listNotes is GET .../:iid/notes (lib/api/notes.rb): order_by created_at
// or updated_at, sort desc by default.
func (a *API) listNotes(rt issuableRoute) handler {
	return a.listThread(rt, func(r *request, p ferry.Project, v content.Viewer, iid int64, pg store.Page) (any, int, error) {
		var (
			o   content.NoteOrder
			err error
		)
		if o.By, err = r.params.oneOf("order_by", "created_at", "created_at", "updated_at"); err != nil {
			return nil, 0, err
		}
		sort, err := r.params.oneOf("sort", "desc", "asc", "desc")
		if err != nil {
			return nil, 0, err
		}
		o.Asc = sort == "asc"
		return anyPage(a.content.Notes(r.ctx(), v, p, rt.params.kind, iid, o, pg))
	})
}

// listDiscussions is GET .../:iid/discussions (lib/api/discussions.rb).
func (a *API) listDiscussions(rt issuableRoute) handler {
	return a.listThread(rt, func(r *request, p ferry.Project, v content.Viewer, iid int64, pg store.Page) (any, int, error) {
		return anyPage(a.content.Discussions(r.ctx(), v, p, rt.params.kind, iid, pg))
	})
}

func anyPage[T any](page []T, total int, err error) (any, int, error) { return page, total, err }

// getNote is GET .../:iid/notes/:note_id: 404 Not found for a note the
// issuable has not (ActiveRecord's), as GitLab.
func (a *API) getNote(rt issuableRoute) handler {
	return a.showByID(rt, "note_id", func(r *request, p ferry.Project, v content.Viewer, iid, id int64) (any, error) {
		return a.content.Note(r.ctx(), v, p, rt.params.kind, iid, id)
	})
}

// showByID is showInThread for what the issuable holds under the
// integer path value key (a 400 for another value).
func (a *API) showByID(rt issuableRoute, key string,
	read func(r *request, p ferry.Project, v content.Viewer, iid, id int64) (any, error)) handler {
	return a.showInThread(rt, func(r *request, p ferry.Project, v content.Viewer, iid int64) (any, error) {
		id, err := strconv.ParseInt(r.PathValue(key), 10, 64)
		if err != nil {
			return nil, &ferry.ParamError{Param: key}
		}
		return read(r, p, v, iid, id)
	})
}

// getDiscussion is GET .../:iid/discussions/:discussion_id.
func (a *API) getDiscussion(rt issuableRoute) handler {
	return a.showInThread(rt, func(r *request, p ferry.Project, v content.Viewer, iid int64) (any, error) {
		return a.content.Discussion(r.ctx(), v, p, rt.params.kind, iid, r.PathValue("discussion_id"))
	})
}

// showInThread answers one note or discussion of the issuable the route
// names, with GitLab's 404s.
func (a *API) showInThread(rt issuableRoute, read func(r *request, p ferry.Project, v content.Viewer, iid int64) (any, error)) handler {
	return func(w http.ResponseWriter, r *request) error {
		p, v, iid, err := a.findIssuable(r, rt)
		if err != nil {
			return err
		}
		e, err := read(r, p, v, iid)
		switch {
		case errors.Is(err, content.ErrNoNote), errors.Is(err, content.ErrNoAward): // ActiveRecord::RecordNotFound's
			return &httpError{Status: http.StatusNotFound, Body: message{"404 Not found"}}
		case errors.Is(err, content.ErrNoDiscussion):
			return notFound("Discussion")
		case errors.Is(err, ferry.ErrNotFound):
			return notFound(rt.what)
		case err != nil:
			return err
		}
		writeJSON(w, http.StatusOK, e)
		return nil
	}
}

package api

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
)

var numericID = regexp.MustCompile(`^-?\d+$`)

// findProject resolves :id as GitLab does (a number, or a URL-encoded full
// path with a slash) and returns the project with the caller's level.
// Returns 404 Project Not Found when it does not exist or the caller may
// not see it.
func (a *API) findProject(r *request) (ferry.Project, ferry.AccessLevel, error) {
	return a.findProjectByRef(r, r.PathValue("id"))
}

// findProjectByRef is findProject for an id or full path given directly.
func (a *API) findProjectByRef(r *request, id string) (ferry.Project, ferry.AccessLevel, error) {
	var (
		p   ferry.Project
		err = ferry.ErrNotFound
	)
	switch {
	case numericID.MatchString(id):
		if n, perr := strconv.ParseInt(id, 10, 64); perr == nil {
			p, err = a.db.ProjectByID(r.ctx(), n)
		}
	case strings.Contains(id, "/"):
		p, err = a.db.ProjectByFullPath(r.ctx(), id)
	}
	if errors.Is(err, ferry.ErrNotFound) {
		return p, 0, notFound("Project")
	}
	if err != nil {
		return p, 0, err
	}
	level, err := a.access.ReadableProject(r.ctx(), r.user, p)
	if errors.Is(err, ferry.ErrNotFound) {
		return p, 0, notFound("Project")
	}
	return p, level, err
}

// findGroup resolves a group :id (a number or a full path) and returns it
// with the caller's level. Returns 404 Group Not Found when it does not
// exist or the caller may not see it.
func (a *API) findGroup(r *request, id string) (ferry.Namespace, ferry.AccessLevel, error) {
	var (
		g   ferry.Namespace
		err error
	)
	if numericID.MatchString(id) {
		n, perr := strconv.ParseInt(id, 10, 64)
		if perr != nil {
			return g, 0, notFound("Group")
		}
		g, err = a.db.NamespaceByID(r.ctx(), n)
	} else {
		g, err = a.db.NamespaceByFullPath(r.ctx(), id)
	}
	if errors.Is(err, ferry.ErrNotFound) || err == nil && !g.IsGroup() {
		return g, 0, notFound("Group")
	}
	if err != nil {
		return g, 0, err
	}
	level, err := a.access.ReadableGroup(r.ctx(), r.user, g)
	if errors.Is(err, ferry.ErrNotFound) {
		return g, 0, notFound("Group")
	}
	return g, level, err
}

// findUser resolves a numeric user :id. Returns 404 User Not Found.
func (a *API) findUser(r *request, id string) (ferry.User, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return ferry.User{}, notFound("User")
	}
	u, err := a.db.UserByID(r.ctx(), n)
	if errors.Is(err, ferry.ErrNotFound) {
		return u, notFound("User")
	}
	return u, err
}

// findNamespace resolves a namespace given as an ID or a full path (the
// namespace_id and namespace parameters). Returns 404 Namespace Not Found.
func (a *API) findNamespace(r *request, ref string) (ferry.Namespace, error) {
	var (
		n   ferry.Namespace
		err error
	)
	if numericID.MatchString(ref) {
		id, perr := strconv.ParseInt(ref, 10, 64)
		if perr != nil {
			return n, notFound("Namespace")
		}
		n, err = a.db.NamespaceByID(r.ctx(), id)
	} else {
		n, err = a.db.NamespaceByFullPath(r.ctx(), ref)
	}
	if errors.Is(err, ferry.ErrNotFound) {
		return n, notFound("Namespace")
	}
	return n, err
}

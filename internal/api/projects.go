package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/git"
	"github.com/ferryhq/ferry/internal/removal"
	"github.com/ferryhq/ferry/internal/repos"
	"github.com/ferryhq/ferry/internal/store"
)

// createProject is POST /projects.
func (a *API) createProject(w http.ResponseWriter, r *request) error {
	name, hasName := r.params.str("name")
	path, hasPath := r.params.str("path")
	if !hasName && !hasPath {
		return &ferry.ParamError{Param: "name, path", Reason: "are missing, at least one parameter must be provided"}
	}
	if !hasPath {
		path = ferry.PathFromName(name)
	}
	if !hasName {
		name = path
	}
	ns, err := a.targetNamespace(r)
	if err != nil {
		return err
	}
	settings, err := a.db.Settings(r.ctx())
	if err != nil {
		return err
	}
	p := ferry.Project{NamespaceID: ns.ID, Namespace: ns, Name: name, Path: path, CreatorID: r.user.ID}
	if p.Description, _ = r.params.str("description"); len(p.Description) > 2000 {
		return validationError("description", "is too long (maximum is 2000 characters)")
	}
	if p.Visibility, err = r.params.oneOf("visibility", settings.DefaultProjectVisibility,
		ferry.Private, ferry.Internal, ferry.Public); err != nil {
		return err
	}
	if p.DefaultBranch, _ = r.params.str("default_branch"); p.DefaultBranch == "" {
		p.DefaultBranch = "main"
	}
	withReadme, err := r.params.boolean("initialize_with_readme", false)
	if err != nil {
		return err
	}
	if err := a.validateProject(r, p); err != nil {
		return err
	}
	if err := a.insertProject(r, &p, withReadme); err != nil {
		return err
	}
	e, err := a.project(r.ctx(), p, r.user, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

// targetNamespace is the namespace_id (or namespace) parameter, the
// caller's personal namespace by default, after checking the caller may
// create projects there (Maintainer or above in a group).
func (a *API) targetNamespace(r *request) (ferry.Namespace, error) {
	ref, ok := r.params.str("namespace_id")
	if !ok {
		ref, ok = r.params.str("namespace")
	}
	if !ok || ref == "" {
		return a.db.NamespaceByID(r.ctx(), r.user.NamespaceID)
	}
	ns, err := a.findNamespace(r, ref)
	if errors.Is(err, ferry.ErrNotFound) || isStatus(err, http.StatusNotFound) {
		return ns, validationError("namespace", "is not valid")
	}
	if err != nil {
		return ns, err
	}
	if ns.IsGroup() {
		level, err := a.access.GroupLevel(r.ctx(), r.user, ns)
		if err != nil {
			return ns, err
		}
		if level < ferry.Maintainer {
			return ns, validationError("namespace", "is not valid")
		}
	} else if ns.OwnerID != r.user.ID && !r.user.IsAdmin {
		return ns, validationError("namespace", "is not valid")
	}
	return ns, nil
}

// validateProject checks name, path, visibility and default branch, and
// that name and path are free in the namespace, reporting every failing
// attribute at once as GitLab does.
func (a *API) validateProject(r *request, p ferry.Project) error {
	if !ferry.ValidBranchName(p.DefaultBranch) {
		return &ferry.ParamError{Param: "default_branch", Reason: "is invalid"}
	}
	nameTaken, pathTaken, err := a.db.ProjectTaken(r.ctx(), p.NamespaceID, p.ID, p.Name, p.Path)
	if err != nil {
		return err
	}
	var errs []error
	if err := ferry.ValidateName(p.Name); err != nil {
		errs = append(errs, err)
	} else if nameTaken {
		errs = append(errs, &ferry.ValidationError{Field: "name", Reason: "has already been taken"})
	}
	if err := ferry.ValidateProjectPath(p.Path); err != nil {
		errs = append(errs, err)
	} else if pathTaken {
		errs = append(errs, &ferry.ValidationError{Field: "path", Reason: "has already been taken"})
	}
	if p.Namespace.IsGroup() && ferry.VisibilityRank(p.Visibility) > ferry.VisibilityRank(p.Namespace.Visibility) {
		errs = append(errs, &ferry.ValidationError{Field: "visibility_level",
			Reason: fmt.Sprintf("%s is not allowed in a %s group.", p.Visibility, p.Namespace.Visibility)})
	}
	return validationErrors(errs)
}

// insertProject stores p and creates its repository in one transaction: a
// repository that cannot be made leaves no project behind.
func (a *API) insertProject(r *request, p *ferry.Project, withReadme bool) error {
	var readme *repos.Readme
	if withReadme {
		readme = &repos.Readme{Content: []byte("# " + p.Name + "\n\n" + p.Description + "\n"),
			AuthorName: r.user.Name, AuthorEmail: r.user.Email}
	}
	return a.db.Tx(r.ctx(), func(tx *store.Tx) error {
		if err := tx.CreateProject(r.ctx(), p); err != nil {
			return err
		}
		if err := a.repos.Create(r.ctx(), p.ID, p.DefaultBranch, readme); err != nil {
			_ = a.repos.Remove(p.ID)
			return err
		}
		return nil
	})
}

// getProject is GET /projects/:id.
func (a *API) getProject(w http.ResponseWriter, r *request) error {
	p, _, err := a.findProject(r)
	if err != nil {
		return err
	}
	e, err := a.project(r.ctx(), p, r.user, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// updateProject is PUT /projects/:id (Maintainer or above).
func (a *API) updateProject(w http.ResponseWriter, r *request) error {
	p, level, err := a.findProject(r)
	if err != nil {
		return err
	}
	if level < ferry.Maintainer {
		return forbidden("")
	}
	if v, ok := r.params.str("name"); ok {
		p.Name = v
	}
	if v, ok := r.params.str("path"); ok {
		p.Path = v
	}
	if v, ok := r.params.str("description"); ok {
		p.Description = v
	}
	if p.Visibility, err = r.params.oneOf("visibility", p.Visibility, ferry.Private, ferry.Internal, ferry.Public); err != nil {
		return err
	}
	if v, ok := r.params.str("default_branch"); ok {
		p.DefaultBranch = v
	}
	if err := a.validateProject(r, p); err != nil {
		return err
	}
	if err := a.db.UpdateProject(r.ctx(), &p); err != nil {
		return err // a conflict lost to a concurrent request is a *ferry.ValidationError
	}
	if err := git.SetDefaultBranch(r.ctx(), a.repos.Dir(p.ID), p.DefaultBranch); err != nil {
		return err
	}
	e, err := a.project(r.ctx(), p, r.user, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// deleteProject is DELETE /projects/:id (Owner). As GitLab, it answers 202
// and removes the repository in a job enqueued with the deletion.
func (a *API) deleteProject(w http.ResponseWriter, r *request) error {
	p, level, err := a.findProject(r)
	if err != nil {
		return err
	}
	if !auth.CanRemove(level) {
		return forbidden("")
	}
	return a.deleteAccepted(w, r, func(tx *store.Tx) ([]string, error) {
		return removal.Projects(r.ctx(), tx, a.enqueueTx, []ferry.Project{p})
	})
}

// deleteAccepted runs remove in a transaction, deletes the uploads it
// returns once committed, and answers GitLab's 202 Accepted.
func (a *API) deleteAccepted(w http.ResponseWriter, r *request, remove func(tx *store.Tx) ([]string, error)) error {
	var uploads []string
	err := a.db.Tx(r.ctx(), func(tx *store.Tx) (err error) {
		uploads, err = remove(tx)
		return err
	})
	if err != nil {
		return err
	}
	a.deleteUploads(r.ctx(), uploads)
	writeJSON(w, http.StatusAccepted, message{"202 Accepted"})
	return nil
}

// enqueueTx inserts a job in tx (removal.Enqueue).
func (a *API) enqueueTx(ctx context.Context, tx *store.Tx, args river.JobArgs) error {
	_, err := a.jobs.InsertTx(ctx, tx, args, nil)
	return err
}

// deleteUploads deletes the stored uploads of deleted projects' imports,
// as far as it can: the projects are gone either way.
func (a *API) deleteUploads(ctx context.Context, keys []string) {
	for _, key := range keys {
		_ = a.blobs.Delete(ctx, key)
	}
}

// listProjects is GET /projects.
func (a *API) listProjects(w http.ResponseWriter, r *request) error {
	return a.writeProjects(w, r, store.ProjectFilter{})
}

// writeProjects answers a page of projects selected by f plus GitLab's
// list parameters.
func (a *API) writeProjects(w http.ResponseWriter, r *request, f store.ProjectFilter) error {
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	if r.user != nil {
		f.Viewer, f.Admin = r.user.ID, r.user.IsAdmin
	}
	if f.Membership, err = r.params.boolean("membership", false); err != nil {
		return err
	}
	if f.Owned, err = r.params.boolean("owned", false); err != nil {
		return err
	}
	if (f.Membership || f.Owned) && r.user == nil {
		f.Viewer = -1 // an anonymous caller is a member of nothing
	}
	f.Search, _ = r.params.str("search")
	if f.Visibility, err = r.params.oneOf("visibility", "", ferry.Private, ferry.Internal, ferry.Public); err != nil {
		return err
	}
	if f.OrderBy, err = r.params.oneOf("order_by", "created_at", "id", "name", "path", "created_at",
		"updated_at", "last_activity_at"); err != nil {
		return err
	}
	if f.Sort, err = r.params.oneOf("sort", "desc", "asc", "desc"); err != nil {
		return err
	}
	f.Page = pg.store()
	projects, total, err := a.db.ListProjects(r.ctx(), f)
	if err != nil {
		return err
	}
	out := make([]projectEntity, 0, len(projects))
	for _, p := range projects {
		e, err := a.project(r.ctx(), p, r.user, false)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	a.writeList(w, r, pg, total, out)
	return nil
}

package api

import (
	"context"
	"errors"
	"os"
	"strconv"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/git"
)

type projectLinks struct {
	Self          string `json:"self"`
	Issues        string `json:"issues"`
	MergeRequests string `json:"merge_requests"`
	RepoBranches  string `json:"repo_branches"`
	Labels        string `json:"labels"`
	Events        string `json:"events"`
	Members       string `json:"members"`
	ClusterAgents string `json:"cluster_agents"`
}

type accessEntity struct {
	AccessLevel       int `json:"access_level"`
	NotificationLevel int `json:"notification_level"`
}

type permissions struct {
	ProjectAccess *accessEntity `json:"project_access"`
	GroupAccess   *accessEntity `json:"group_access"`
}

type projectEntity struct {
	ID                int64           `json:"id"`
	Description       *string         `json:"description"`
	Name              string          `json:"name"`
	NameWithNamespace string          `json:"name_with_namespace"`
	Path              string          `json:"path"`
	PathWithNamespace string          `json:"path_with_namespace"`
	CreatedAt         timestamp       `json:"created_at"`
	DefaultBranch     *string         `json:"default_branch"`
	TagList           []string        `json:"tag_list"`
	Topics            []string        `json:"topics"`
	SSHURLToRepo      any             `json:"ssh_url_to_repo"`
	HTTPURLToRepo     string          `json:"http_url_to_repo"`
	WebURL            string          `json:"web_url"`
	ReadmeURL         any             `json:"readme_url"`
	ForksCount        int             `json:"forks_count"`
	AvatarURL         any             `json:"avatar_url"`
	StarCount         int             `json:"star_count"`
	LastActivityAt    timestamp       `json:"last_activity_at"`
	Namespace         namespaceEntity `json:"namespace"`
	Links             projectLinks    `json:"_links"`
	EmptyRepo         bool            `json:"empty_repo"`
	Archived          bool            `json:"archived"`
	Visibility        string          `json:"visibility"`
	Owner             *userBasic      `json:"owner,omitempty"`
	CreatorID         int64           `json:"creator_id"`
	ImportStatus      string          `json:"import_status"`
	OpenIssuesCount   int             `json:"open_issues_count"`
	Permissions       *permissions    `json:"permissions,omitempty"`
}

// project shows p. With withPermissions, it adds the caller's project and
// group access as GitLab's single-project view does.
func (a *API) project(ctx context.Context, p ferry.Project, viewer *ferry.User, withPermissions bool) (projectEntity, error) {
	web := a.base + "/" + p.FullPath()
	self := a.apiURL("projects", strconv.FormatInt(p.ID, 10))
	hasCommits, err := a.hasCommits(ctx, p.ID)
	if err != nil {
		return projectEntity{}, err
	}
	e := projectEntity{
		ID: p.ID, OpenIssuesCount: int(p.OpenIssuesCount), Description: nullable(p.Description), Name: p.Name, NameWithNamespace: p.FullName(), Path: p.Path,
		PathWithNamespace: p.FullPath(), CreatedAt: ts(p.CreatedAt), TagList: []string{}, Topics: []string{},
		HTTPURLToRepo: web + ".git", WebURL: web, LastActivityAt: ts(p.UpdatedAt), Namespace: a.namespace(p.Namespace),
		Links: projectLinks{Self: self, Issues: self + "/issues", MergeRequests: self + "/merge_requests",
			RepoBranches: self + "/repository/branches", Labels: self + "/labels", Events: self + "/events",
			Members: self + "/members", ClusterAgents: self + "/cluster_agents"},
		EmptyRepo: !hasCommits, Visibility: p.Visibility, CreatorID: p.CreatorID, ImportStatus: "none",
	}
	if im, err := a.db.ImportOf(ctx, p.ID); err == nil {
		e.ImportStatus = im.Status
	}
	if hasCommits {
		branch := p.DefaultBranch
		e.DefaultBranch = &branch
	}
	if !p.Namespace.IsGroup() {
		owner, err := a.db.UserByID(ctx, p.Namespace.OwnerID)
		if err != nil {
			return e, err
		}
		basic := a.userBasic(owner)
		e.Owner = &basic
	}
	if withPermissions {
		perms, err := a.permissions(ctx, p, viewer)
		if err != nil {
			return e, err
		}
		e.Permissions = perms
	}
	return e, nil
}

// permissions reports the viewer's direct project membership and the
// group membership that applies to p, as GitLab's permissions field.
func (a *API) permissions(ctx context.Context, p ferry.Project, viewer *ferry.User) (*permissions, error) {
	perms := &permissions{}
	if viewer == nil {
		return perms, nil
	}
	if direct, err := a.access.DirectLevel(ctx, viewer, ferry.MemberOfProject, p.ID); err != nil {
		return nil, err
	} else if direct > 0 {
		perms.ProjectAccess = &accessEntity{AccessLevel: int(direct), NotificationLevel: 3}
	}
	if p.Namespace.IsGroup() {
		level, err := a.access.MembershipLevel(ctx, viewer, p.NamespaceID)
		if err != nil {
			return nil, err
		}
		if level > 0 {
			perms.GroupAccess = &accessEntity{AccessLevel: int(level), NotificationLevel: 3}
		}
	}
	return perms, nil
}

// hasCommits reports whether project id's repository has a ref. One that
// is missing (not made yet, or swapped for a rebuilt one at this instant)
// is empty: a project reads fine whatever a job does to its repository.
func (a *API) hasCommits(ctx context.Context, id int64) (bool, error) {
	dir := a.repos.Dir(id)
	for try := 0; ; try++ {
		has, err := git.HasCommits(ctx, dir)
		if err == nil {
			return has, nil
		}
		if _, serr := os.Stat(dir); errors.Is(serr, os.ErrNotExist) {
			return false, nil
		}
		if try == 1 || ctx.Err() != nil {
			return false, err
		}
	}
}

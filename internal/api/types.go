package api

import (
	"strings"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
)

// Response shapes, with GitLab's field names in GitLab's order.

// userBasic is GitLab's UserBasic, shared with the content pages.
type userBasic = content.UserBasic

type userEntity struct {
	userBasic
	CreatedAt        timestamp `json:"created_at"`
	Bio              string    `json:"bio"`
	PublicEmail      any       `json:"public_email"`
	Bot              bool      `json:"bot"`
	Email            string    `json:"email,omitempty"`
	ProjectsLimit    int       `json:"projects_limit"`
	CanCreateGroup   bool      `json:"can_create_group"`
	CanCreateProject bool      `json:"can_create_project"`
	TwoFactorEnabled bool      `json:"two_factor_enabled"`
	External         bool      `json:"external"`
	PrivateProfile   bool      `json:"private_profile"`
	IsAdmin          *bool     `json:"is_admin,omitempty"`
	NamespaceID      int64     `json:"namespace_id,omitempty"`
}

func (a *API) userBasic(u ferry.User) userBasic {
	return content.NewUserBasic(a.base, u)
}

// user shows u; private fields (email, admin flag) only to u or an admin.
func (a *API) user(u ferry.User, viewer *ferry.User) userEntity {
	e := userEntity{userBasic: a.userBasic(u), CreatedAt: ts(u.CreatedAt), CanCreateGroup: true, CanCreateProject: true}
	if viewer != nil && (viewer.IsAdmin || viewer.ID == u.ID) {
		admin := u.IsAdmin
		e.Email, e.IsAdmin, e.NamespaceID = u.Email, &admin, u.NamespaceID
	}
	return e
}

type tokenEntity struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	Revoked     bool       `json:"revoked"`
	CreatedAt   timestamp  `json:"created_at"`
	Description *string    `json:"description"`
	Scopes      []string   `json:"scopes"`
	UserID      int64      `json:"user_id"`
	LastUsedAt  *timestamp `json:"last_used_at"`
	Active      bool       `json:"active"`
	ExpiresAt   *date      `json:"expires_at"`
	Token       string     `json:"token,omitempty"`
}

// token shows t as GitLab's Entities::PersonalAccessToken (without the
// secret, which only its creation shows).
func token(t ferry.PersonalAccessToken) tokenEntity {
	e := tokenEntity{ID: t.ID, Name: t.Name, Revoked: t.Revoked, CreatedAt: ts(t.CreatedAt), Description: nullable(t.Description),
		Scopes: t.Scopes, UserID: t.UserID, Active: t.Active(time.Now()), ExpiresAt: nilDate(t.ExpiresAt)}
	if t.LastUsedAt != nil {
		used := ts(*t.LastUsedAt)
		e.LastUsedAt = &used
	}
	return e
}

type groupEntity struct {
	ID                             int64      `json:"id"`
	WebURL                         string     `json:"web_url"`
	Name                           string     `json:"name"`
	Path                           string     `json:"path"`
	Description                    string     `json:"description"`
	Visibility                     string     `json:"visibility"`
	ShareWithGroupLock             bool       `json:"share_with_group_lock"`
	RequireTwoFactorAuthentication bool       `json:"require_two_factor_authentication"`
	TwoFactorGracePeriod           int        `json:"two_factor_grace_period"`
	ProjectCreationLevel           string     `json:"project_creation_level"`
	AutoDevopsEnabled              any        `json:"auto_devops_enabled"`
	SubgroupCreationLevel          string     `json:"subgroup_creation_level"`
	EmailsDisabled                 bool       `json:"emails_disabled"`
	EmailsEnabled                  bool       `json:"emails_enabled"`
	MentionsDisabled               any        `json:"mentions_disabled"`
	LFSEnabled                     bool       `json:"lfs_enabled"`
	MathRenderingLimitsEnabled     bool       `json:"math_rendering_limits_enabled"`
	LockMathRenderingLimitsEnabled bool       `json:"lock_math_rendering_limits_enabled"`
	DefaultBranch                  any        `json:"default_branch"`
	DefaultBranchProtection        int        `json:"default_branch_protection"`
	DefaultBranchProtectionDefault branchProt `json:"default_branch_protection_defaults"`
	AvatarURL                      any        `json:"avatar_url"`
	RequestAccessEnabled           bool       `json:"request_access_enabled"`
	FullName                       string     `json:"full_name"`
	FullPath                       string     `json:"full_path"`
	CreatedAt                      timestamp  `json:"created_at"`
	ParentID                       *int64     `json:"parent_id"`
	OrganizationID                 int64      `json:"organization_id"`
	SharedRunnersSetting           string     `json:"shared_runners_setting"`
	MaxArtifactsSize               *int64     `json:"max_artifacts_size"`
	MarkedForDeletionOn            *date      `json:"marked_for_deletion_on"`
}

// branchProt is a group's default branch protection: GitLab's default,
// fully protected (only Maintainers push and merge, no force push).
type branchProt struct {
	AllowedToPush  []accessLevelEntry `json:"allowed_to_push"`
	AllowForcePush bool               `json:"allow_force_push"`
	AllowedToMerge []accessLevelEntry `json:"allowed_to_merge"`
}

type accessLevelEntry struct {
	AccessLevel int `json:"access_level"`
}

var fullyProtected = branchProt{AllowedToPush: []accessLevelEntry{{int(ferry.Maintainer)}},
	AllowedToMerge: []accessLevelEntry{{int(ferry.Maintainer)}}}

func (a *API) group(g ferry.Namespace) groupEntity {
	return groupEntity{
		ID: g.ID, WebURL: a.base + "/groups/" + g.FullPath, Name: g.Name, Path: g.Path,
		Description: g.Description, Visibility: g.Visibility, TwoFactorGracePeriod: 48,
		ProjectCreationLevel: "maintainer", SubgroupCreationLevel: "maintainer", EmailsEnabled: true,
		LFSEnabled: true, MathRenderingLimitsEnabled: true, DefaultBranchProtection: 2,
		DefaultBranchProtectionDefault: fullyProtected, RequestAccessEnabled: true, FullName: g.FullName, FullPath: g.FullPath,
		CreatedAt: ts(g.CreatedAt), ParentID: idPtr(g.ParentID), OrganizationID: 1, SharedRunnersSetting: "enabled",
		MarkedForDeletionOn: nilDate(g.MarkedForDeletionAt),
	}
}

type memberEntity struct {
	userBasic
	AccessLevel     int       `json:"access_level"`
	CreatedAt       timestamp `json:"created_at"`
	ExpiresAt       *date     `json:"expires_at"`
	MembershipState string    `json:"membership_state"`
}

func (a *API) member(m ferry.Member) memberEntity {
	return memberEntity{userBasic: a.userBasic(m.User), AccessLevel: int(m.AccessLevel),
		CreatedAt: ts(m.CreatedAt), ExpiresAt: nilDate(m.ExpiresAt), MembershipState: "active"}
}

type namespaceEntity struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Path      string `json:"path"`
	Kind      string `json:"kind"`
	FullPath  string `json:"full_path"`
	ParentID  *int64 `json:"parent_id"`
	AvatarURL any    `json:"avatar_url"`
	WebURL    string `json:"web_url"`
	*groupCounts
}

// groupCounts are what GitLab's Entities::Namespace adds for those who
// administer a group. Ferry keeps no storage statistics, so the root
// repository size is null, as GitLab shows it before computing them.
type groupCounts struct {
	MembersCountWithDescendants int `json:"members_count_with_descendants"`
	RootRepositorySize          any `json:"root_repository_size"`
	ProjectsCount               int `json:"projects_count"`
}

func (a *API) namespace(n ferry.Namespace) namespaceEntity {
	web := a.base + "/" + n.FullPath
	if n.IsGroup() {
		web = a.base + "/groups/" + n.FullPath
	}
	return namespaceEntity{ID: n.ID, Name: n.Name, Path: n.Path, Kind: n.Kind, FullPath: n.FullPath,
		ParentID: idPtr(n.ParentID), WebURL: web}
}

func idPtr(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// projectPath joins segments under the API base, e.g. the project's _links.
func (a *API) apiURL(parts ...string) string {
	return a.base + "/api/v4/" + strings.Join(parts, "/")
}

// nullable is s, or null when it is empty: GitLab shows an unset text
// (a project's description) as null.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

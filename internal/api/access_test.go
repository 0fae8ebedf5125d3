package api_test

import (
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// roles builds grp/sub/proj (private) as root with one user per access
// level as a member of grp (inherited by sub and proj), plus an outsider.
type roles struct {
	env     *servertest.Env
	group   *gitlab.Group
	sub     *gitlab.Group
	project *gitlab.Project
	clients map[string]*gitlab.Client
	tokens  map[string]string
	users   map[string]*gitlab.User
}

var levels = []struct {
	name  string
	level gitlab.AccessLevelValue
}{
	{"guest", gitlab.GuestPermissions}, {"reporter", gitlab.ReporterPermissions},
	{"developer", gitlab.DeveloperPermissions}, {"maintainer", gitlab.MaintainerPermissions},
	{"owner", gitlab.OwnerPermissions},
}

func setupRoles(t *testing.T) *roles {
	t.Helper()
	env := servertest.Start(t)
	r := &roles{env: env, clients: map[string]*gitlab.Client{}, tokens: map[string]string{}, users: map[string]*gitlab.User{}}
	var err error
	r.group, _, err = env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Group"), Path: gitlab.Ptr("grp")})
	if err != nil {
		t.Fatal(err)
	}
	r.sub, _, err = env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Sub"), Path: gitlab.Ptr("sub"),
		ParentID: gitlab.Ptr(r.group.ID)})
	if err != nil {
		t.Fatal(err)
	}
	r.project, _, err = env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Name: gitlab.Ptr("Proj"),
		NamespaceID: gitlab.Ptr(r.sub.ID), InitializeWithReadme: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range levels {
		u, c, tok := newUser(t, env, l.name)
		r.users[l.name], r.clients[l.name], r.tokens[l.name] = u, c, tok
		if _, _, err := env.Root.GroupMembers.AddGroupMember(r.group.ID, &gitlab.AddGroupMemberOptions{
			UserID: gitlab.Ptr(u.ID), AccessLevel: gitlab.Ptr(l.level)}); err != nil {
			t.Fatalf("add %s: %v", l.name, err)
		}
	}
	u, c, tok := newUser(t, env, "outsider")
	r.users["outsider"], r.clients["outsider"], r.tokens["outsider"] = u, c, tok
	return r
}

func TestAccess_InheritedRoles(t *testing.T) {
	t.Parallel()
	r := setupRoles(t)
	if r.project.PathWithNamespace != "grp/sub/proj" || r.project.Visibility != gitlab.PrivateVisibility {
		t.Fatalf("project %s %s, want grp/sub/proj private", r.project.PathWithNamespace, r.project.Visibility)
	}

	tests := []struct {
		who                                        string
		read, edit, addMember, createIn, createSub int
	}{
		{"guest", 200, 403, 403, 400, 403},
		{"reporter", 200, 403, 403, 400, 403},
		{"developer", 200, 403, 403, 400, 403},
		{"maintainer", 200, 200, 201, 201, 201},
		{"owner", 200, 200, 201, 201, 201},
		{"outsider", 404, 404, 404, 400, 404},
	}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			c := r.clients[tt.who]
			_, resp, _ := c.Projects.GetProject("grp/sub/proj", nil)
			if got := statusOf(resp); got != tt.read {
				t.Errorf("read project: %d, want %d", got, tt.read)
			}
			_, resp, _ = c.Projects.EditProject(r.project.ID, &gitlab.EditProjectOptions{Description: gitlab.Ptr("by " + tt.who)})
			if got := statusOf(resp); got != tt.edit {
				t.Errorf("edit project: %d, want %d", got, tt.edit)
			}
			newcomer, _, _ := newUser(t, r.env, "new-"+tt.who)
			_, resp, _ = c.ProjectMembers.AddProjectMember(r.project.ID, &gitlab.AddProjectMemberOptions{
				UserID: newcomer.ID, AccessLevel: gitlab.Ptr(gitlab.DeveloperPermissions)})
			if got := statusOf(resp); got != tt.addMember {
				t.Errorf("add project member: %d, want %d", got, tt.addMember)
			}
			_, resp, _ = c.Projects.CreateProject(&gitlab.CreateProjectOptions{Name: gitlab.Ptr("by-" + tt.who),
				NamespaceID: gitlab.Ptr(r.sub.ID)})
			if got := statusOf(resp); got != tt.createIn {
				t.Errorf("create project in sub-group: %d, want %d", got, tt.createIn)
			}
			_, resp, _ = c.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("S " + tt.who),
				Path: gitlab.Ptr("s-" + tt.who), ParentID: gitlab.Ptr(r.sub.ID)})
			if got := statusOf(resp); got != tt.createSub {
				t.Errorf("create sub-group: %d, want %d", got, tt.createSub)
			}
		})
	}
}

func TestAccess_MembersListsAndOwnerOnlyActions(t *testing.T) {
	t.Parallel()
	r := setupRoles(t)
	direct, _, err := r.env.Root.ProjectMembers.ListProjectMembers(r.project.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(direct) != 0 {
		t.Errorf("%d direct project members, want 0", len(direct))
	}
	all, _, err := r.env.Root.ProjectMembers.ListAllProjectMembers(r.project.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]gitlab.AccessLevelValue{}
	for _, m := range all {
		got[m.Username] = m.AccessLevel
	}
	for _, l := range levels {
		if got[l.name] != l.level {
			t.Errorf("members/all: %s has %d, want %d", l.name, got[l.name], l.level)
		}
	}
	if _, ok := got["root"]; !ok {
		t.Errorf("members/all lacks root, who created the group as Owner")
	}

	// A Maintainer may not grant more than Maintainer.
	newcomer, _, _ := newUser(t, r.env, "newcomer")
	_, resp, _ := r.clients["maintainer"].ProjectMembers.AddProjectMember(r.project.ID, &gitlab.AddProjectMemberOptions{
		UserID: newcomer.ID, AccessLevel: gitlab.Ptr(gitlab.OwnerPermissions)})
	if statusOf(resp) != 403 {
		t.Errorf("maintainer grants owner: %d, want 403", statusOf(resp))
	}
	_, resp, _ = r.clients["owner"].ProjectMembers.AddProjectMember(r.project.ID, &gitlab.AddProjectMemberOptions{
		UserID: newcomer.ID, AccessLevel: gitlab.Ptr(gitlab.ReporterPermissions)})
	if statusOf(resp) != 201 {
		t.Fatalf("owner adds reporter: %d, want 201", statusOf(resp))
	}
	_, resp, _ = r.clients["owner"].ProjectMembers.AddProjectMember(r.project.ID, &gitlab.AddProjectMemberOptions{
		UserID: newcomer.ID, AccessLevel: gitlab.Ptr(gitlab.ReporterPermissions)})
	if statusOf(resp) != 409 {
		t.Errorf("adding the same member twice: %d, want 409", statusOf(resp))
	}
	// Only group Owners manage group members.
	_, resp, _ = r.clients["maintainer"].GroupMembers.AddGroupMember(r.group.ID, &gitlab.AddGroupMemberOptions{
		UserID: gitlab.Ptr(newcomer.ID), AccessLevel: gitlab.Ptr(gitlab.GuestPermissions)})
	if statusOf(resp) != 403 {
		t.Errorf("maintainer adds group member: %d, want 403", statusOf(resp))
	}

	resp, _ = r.clients["maintainer"].Projects.DeleteProject(r.project.ID, nil)
	if statusOf(resp) != 403 {
		t.Errorf("maintainer deletes project: %d, want 403", statusOf(resp))
	}
	resp, err = r.clients["owner"].Projects.DeleteProject(r.project.ID, nil)
	if statusOf(resp) != 202 {
		t.Fatalf("owner deletes project: %d (%v), want 202", statusOf(resp), err)
	}
	_, resp, _ = r.env.Root.Projects.GetProject(r.project.ID, nil)
	if statusOf(resp) != 404 {
		t.Errorf("deleted project: %d, want 404", statusOf(resp))
	}
}

func TestAccess_Visibility(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	_, alice, _ := newUser(t, env, "alice")
	_, bob, _ := newUser(t, env, "bob")
	for _, v := range []gitlab.VisibilityValue{gitlab.PrivateVisibility, gitlab.InternalVisibility, gitlab.PublicVisibility} {
		if _, _, err := alice.Projects.CreateProject(&gitlab.CreateProjectOptions{Name: gitlab.Ptr(string(v)),
			Visibility: gitlab.Ptr(v)}); err != nil {
			t.Fatal(err)
		}
	}
	count := func(t *testing.T, c *gitlab.Client, opt *gitlab.ListProjectsOptions) int {
		t.Helper()
		ps, _, err := c.Projects.ListProjects(opt)
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	anonymous := servertest.Client(t, env.URL, "")
	for _, tt := range []struct {
		name   string
		client *gitlab.Client
		opt    *gitlab.ListProjectsOptions
		want   int
	}{
		{"Owner", alice, nil, 3},
		{"OtherUserSeesInternalAndPublic", bob, nil, 2},
		{"AnonymousSeesPublic", anonymous, nil, 1},
		{"Admin", env.Root, nil, 3},
		{"OtherUserMembership", bob, &gitlab.ListProjectsOptions{Membership: gitlab.Ptr(true)}, 0},
		{"OwnerOwned", alice, &gitlab.ListProjectsOptions{Owned: gitlab.Ptr(true)}, 3},
		{"Search", alice, &gitlab.ListProjectsOptions{Search: gitlab.Ptr("intern")}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := count(t, tt.client, tt.opt); got != tt.want {
				t.Errorf("%d projects, want %d", got, tt.want)
			}
		})
	}
	_, resp, _ := bob.Projects.GetProject("alice/private", nil)
	if statusOf(resp) != 404 {
		t.Errorf("bob reads alice/private: %d, want 404", statusOf(resp))
	}
	_, resp, _ = anonymous.Projects.GetProject("alice/public", nil)
	if statusOf(resp) != 200 {
		t.Errorf("anonymous reads alice/public: %d, want 200", statusOf(resp))
	}
}

// TestAccess_ExpiredMembership pins that an expired membership gives no
// access, in lookups and in lists alike.
func TestAccess_ExpiredMembership(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	u, c, _ := newUser(t, env, "former")
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("secret")})
	if err != nil {
		t.Fatal(err)
	}
	yesterday := time.Now().AddDate(0, 0, -2).Format(time.DateOnly)
	if _, _, err := env.Root.ProjectMembers.AddProjectMember(p.ID, &gitlab.AddProjectMemberOptions{UserID: u.ID,
		AccessLevel: gitlab.Ptr(gitlab.DeveloperPermissions), ExpiresAt: gitlab.Ptr(yesterday)}); err != nil {
		t.Fatal(err)
	}
	if _, resp, _ := c.Projects.GetProject(p.ID, nil); statusOf(resp) != 404 {
		t.Errorf("expired member reads the project: %d", statusOf(resp))
	}
	ps, _, err := c.Projects.ListProjects(nil)
	if err != nil || len(ps) != 0 {
		t.Errorf("expired member lists %d projects (%v)", len(ps), err)
	}
}

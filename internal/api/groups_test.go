package api_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// groupTree is root's groups pub (public), int (internal), priv
// (private) > sub > deep and other (private), ann's group anns, with ann a
// Developer of priv/sub, bob a member of nothing, and cid a member of a
// project in other.
type groupTree struct {
	env     *servertest.Env
	ids     map[string]int64
	clients map[string]*gitlab.Client
	tokens  map[string]string
}

func setupGroupTree(t *testing.T) *groupTree {
	t.Helper()
	env := servertest.Start(t)
	g := &groupTree{env: env, ids: map[string]int64{}, clients: map[string]*gitlab.Client{
		"root": env.Root, "anonymous": servertest.Client(t, env.URL, "")}, tokens: map[string]string{"root": servertest.RootToken}}
	users := map[string]*gitlab.User{}
	for _, name := range []string{"ann", "bob", "cid"} {
		users[name], g.clients[name], g.tokens[name] = newUser(t, env, name)
	}
	for _, c := range []struct {
		by, name, path, parent string
		visibility             gitlab.VisibilityValue
	}{
		{"root", "Pub", "pub", "", gitlab.PublicVisibility}, {"root", "Int", "int", "", gitlab.InternalVisibility},
		{"root", "Priv", "priv", "", gitlab.PrivateVisibility}, {"root", "Sub", "sub", "priv", gitlab.PrivateVisibility},
		{"root", "Deep", "deep", "priv/sub", gitlab.PrivateVisibility}, {"root", "Other", "other", "", gitlab.PrivateVisibility},
		{"ann", "Anns", "anns", "", gitlab.PrivateVisibility},
	} {
		opt := &gitlab.CreateGroupOptions{Name: gitlab.Ptr(c.name), Path: gitlab.Ptr(c.path), Visibility: gitlab.Ptr(c.visibility)}
		full := c.path
		if c.parent != "" {
			opt.ParentID, full = gitlab.Ptr(g.ids[c.parent]), c.parent+"/"+c.path
		}
		created, _, err := g.clients[c.by].Groups.CreateGroup(opt)
		if err != nil {
			t.Fatalf("create %s: %v", full, err)
		}
		g.ids[full] = created.ID
	}
	if _, _, err := env.Root.GroupMembers.AddGroupMember(g.ids["priv/sub"], &gitlab.AddGroupMemberOptions{
		UserID: gitlab.Ptr(users["ann"].ID), AccessLevel: gitlab.Ptr(gitlab.DeveloperPermissions)}); err != nil {
		t.Fatal(err)
	}
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("app"), NamespaceID: gitlab.Ptr(g.ids["other"])})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Root.ProjectMembers.AddProjectMember(p.ID, &gitlab.AddProjectMemberOptions{
		UserID: users["cid"].ID, AccessLevel: gitlab.Ptr(gitlab.ReporterPermissions)}); err != nil {
		t.Fatal(err)
	}
	return g
}

func groupPaths(groups []*gitlab.Group) string {
	return joined(groups, func(g *gitlab.Group) string { return g.FullPath })
}

// TestGroups_List pins who sees which groups in GET /groups and what each
// filter keeps, as GitLab's GroupsFinder.
func TestGroups_List(t *testing.T) {
	t.Parallel()
	g := setupGroupTree(t)
	yes := gitlab.Ptr(true)
	checkLists(t, g, []listCase[gitlab.ListGroupsOptions]{
		{"Anonymous", "anonymous", gitlab.ListGroupsOptions{}, "pub"},
		{"AnonymousOwnedIsNothing", "anonymous", gitlab.ListGroupsOptions{Owned: yes}, ""},
		{"AdminSeesAll", "root", gitlab.ListGroupsOptions{}, "anns,priv/sub/deep,int,other,priv,pub,priv/sub"},
		{"AdminAuthorizedOnly", "root", gitlab.ListGroupsOptions{AllAvailable: gitlab.Ptr(false)}, "priv/sub/deep,int,other,priv,pub,priv/sub"},
		{"MemberWithDescendantsAndAncestors", "ann", gitlab.ListGroupsOptions{}, "anns,priv/sub/deep,priv,priv/sub"},
		{"AllAvailable", "ann", gitlab.ListGroupsOptions{AllAvailable: yes}, "anns,priv/sub/deep,int,priv,pub,priv/sub"},
		{"Owned", "ann", gitlab.ListGroupsOptions{Owned: yes}, "anns"},
		{"MinAccessDeveloper", "ann", gitlab.ListGroupsOptions{MinAccessLevel: gitlab.Ptr(gitlab.DeveloperPermissions)}, "anns,priv/sub/deep,priv/sub"},
		{"MinAccessMaintainer", "ann", gitlab.ListGroupsOptions{MinAccessLevel: gitlab.Ptr(gitlab.MaintainerPermissions)}, "anns"},
		{"Outsider", "bob", gitlab.ListGroupsOptions{}, ""},
		{"OutsiderAllAvailable", "bob", gitlab.ListGroupsOptions{AllAvailable: yes}, "int,pub"},
		{"ProjectMember", "cid", gitlab.ListGroupsOptions{}, "other"},
		{"Search", "ann", gitlab.ListGroupsOptions{Search: gitlab.Ptr("SUB")}, "priv/sub/deep,priv/sub"},
		{"SearchShortIsExact", "ann", gitlab.ListGroupsOptions{Search: gitlab.Ptr("pr")}, ""},
		{"SearchFullPath", "ann", gitlab.ListGroupsOptions{Search: gitlab.Ptr("priv/sub/d")}, "priv/sub/deep"},
		{"TopLevelOnly", "ann", gitlab.ListGroupsOptions{TopLevelOnly: yes}, "anns,priv"},
		{"SkipGroups", "ann", gitlab.ListGroupsOptions{SkipGroups: &[]int64{g.ids["priv/sub"], g.ids["anns"]}}, "priv/sub/deep,priv"},
		{"Visibility", "root", gitlab.ListGroupsOptions{Visibility: gitlab.Ptr(gitlab.InternalVisibility)}, "int"},
		{"OrderByPathDesc", "ann", gitlab.ListGroupsOptions{OrderBy: gitlab.Ptr("path"), Sort: gitlab.Ptr("desc")}, "priv/sub,priv,priv/sub/deep,anns"},
		{"OrderByID", "root", gitlab.ListGroupsOptions{OrderBy: gitlab.Ptr("id")}, "pub,int,priv,priv/sub,priv/sub/deep,other,anns"},
		{"OrderByIDDesc", "root", gitlab.ListGroupsOptions{OrderBy: gitlab.Ptr("id"), Sort: gitlab.Ptr("desc")}, "anns,other,priv/sub/deep,priv/sub,priv,int,pub"},
	}, func(c *gitlab.Client, opt *gitlab.ListGroupsOptions) ([]*gitlab.Group, *gitlab.Response, error) {
		return c.Groups.ListGroups(opt)
	}, func(g *gitlab.Group) string { return g.FullPath })
}

// listCase is one caller's list request and the full paths of its answer,
// joined by commas.
type listCase[O any] struct {
	name, who string
	opt       O
	want      string
}

// checkLists sends each case as a subtest with the caller's client and
// compares the full paths of the answer.
func checkLists[O, T any](t *testing.T, g *groupTree, cases []listCase[O],
	list func(*gitlab.Client, *O) ([]T, *gitlab.Response, error), path func(T) string) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			items, _, err := list(g.clients[tt.who], &tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := joined(items, path); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestGroups_ListPagesAndErrors pins the pagination headers of GET
// /groups, the subgroups list, and Grape's answers to bad parameters.
func TestGroups_ListPagesAndErrors(t *testing.T) {
	t.Parallel()
	g := setupGroupTree(t)
	groups, resp, err := g.env.Root.Groups.ListGroups(&gitlab.ListGroupsOptions{ListOptions: gitlab.ListOptions{PerPage: 2, Page: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if got := groupPaths(groups); got != "priv,pub" || resp.TotalItems != 7 || resp.TotalPages != 4 ||
		resp.NextPage != 4 || resp.PreviousPage != 2 {
		t.Errorf("page 3: %s, total %d pages %d next %d prev %d", got, resp.TotalItems, resp.TotalPages, resp.NextPage, resp.PreviousPage)
	}
	for _, tt := range []struct {
		name, who, group, want string
	}{
		{"Admin", "root", "priv", "priv/sub"},
		{"Member", "ann", "priv/sub", "priv/sub/deep"},
		{"OutsiderPublicGroup", "bob", "pub", ""},
		{"AnonymousPublicGroup", "anonymous", "pub", ""},
	} {
		subs, _, err := g.clients[tt.who].Groups.ListSubGroups(tt.group, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := groupPaths(subs); got != tt.want {
			t.Errorf("%s: subgroups %s, want %s", tt.name, got, tt.want)
		}
	}
	root := servertest.RootToken
	checkCalls(t, g.env, []apiCase{
		{"SubgroupsOfHidden", "GET", "/api/v4/groups/priv/subgroups", g.tokens["bob"], "", "", 404, `{"message":"404 Group Not Found"}`},
		{"OrderBy", "GET", "/api/v4/groups?order_by=size", root, "", "", 400, `{"error":"order_by does not have a valid value"}`},
		{"Sort", "GET", "/api/v4/groups?sort=up", root, "", "", 400, `{"error":"sort does not have a valid value"}`},
		{"MinAccessLevel", "GET", "/api/v4/groups?min_access_level=15", root, "", "", 400, `{"error":"min_access_level does not have a valid value"}`},
		{"Owned", "GET", "/api/v4/groups?owned=maybe", root, "", "", 400, `{"error":"owned is invalid"}`},
		{"SkipGroups", "GET", "/api/v4/groups?skip_groups[]=x", root, "", "", 400, `{"error":"skip_groups is invalid"}`},
		{"Visibility", "GET", "/api/v4/groups?visibility=secret", "", "", "", 400, `{"error":"visibility does not have a valid value"}`},
	})
}

// TestGroups_PythonCLI runs python-gitlab's command line, whose "group
// list" GitLab answers and Ferry once did not.
func TestGroups_PythonCLI(t *testing.T) {
	t.Parallel()
	python := needPythonGitlab(t)
	g := setupGroupTree(t)
	for _, tt := range []struct {
		name, who string
		args      []string
		want      string
	}{
		{"GroupList", "ann", []string{"group", "list"}, "anns,priv/sub/deep,priv,priv/sub"},
		{"GroupListAll", "root", []string{"group", "list", "--all"}, "anns,priv/sub/deep,int,other,priv,pub,priv/sub"},
		{"GroupListSearch", "root", []string{"group", "list", "--search", "sub"}, "priv/sub/deep,priv/sub"},
		{"NamespaceList", "ann", []string{"namespace", "list"}, "ann,priv/sub,anns"},
		{"SubgroupList", "root", []string{"group-subgroup", "list", "--group-id", itoa(g.ids["priv"])}, "priv/sub"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-m", "gitlab", "-o", "json", "--server-url", g.env.URL, "--private-token", g.tokens[tt.who]}, tt.args...)
			cmd := exec.Command(python, args...)
			cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "HOME="+t.TempDir())
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %v\n%s", tt.args, err, out)
			}
			var groups []*gitlab.Group
			if err := json.Unmarshal(out, &groups); err != nil {
				t.Fatalf("%s: %v", out, err)
			}
			if got := groupPaths(groups); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

package api_test

import (
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// TestNamespaces_List pins GET /namespaces: personal namespace and direct
// memberships for users, everything for administrators.
func TestNamespaces_List(t *testing.T) {
	t.Parallel()
	g := setupGroupTree(t)
	yes := gitlab.Ptr(true)
	checkLists(t, g, []listCase[gitlab.ListNamespacesOptions]{
		{"Member", "ann", gitlab.ListNamespacesOptions{}, "ann,priv/sub,anns"},
		{"OwnedOnly", "ann", gitlab.ListNamespacesOptions{OwnedOnly: yes}, "ann,anns"},
		{"TopLevelOnly", "ann", gitlab.ListNamespacesOptions{TopLevelOnly: yes}, "ann,anns"},
		{"Search", "ann", gitlab.ListNamespacesOptions{Search: gitlab.Ptr("ANN")}, "ann,anns"},
		{"SearchShortIsExact", "ann", gitlab.ListNamespacesOptions{Search: gitlab.Ptr("an")}, ""},
		{"SearchPath", "ann", gitlab.ListNamespacesOptions{Search: gitlab.Ptr("sub")}, "priv/sub"},
		{"ProjectMembershipIsNotEnough", "cid", gitlab.ListNamespacesOptions{}, "cid"},
		{"Admin", "root", gitlab.ListNamespacesOptions{}, "root,ann,bob,cid,pub,int,priv,priv/sub,priv/sub/deep,other,anns"},
		{"AdminPage", "root", gitlab.ListNamespacesOptions{ListOptions: gitlab.ListOptions{PerPage: 3, Page: 2}}, "cid,pub,int"},
	}, func(c *gitlab.Client, opt *gitlab.ListNamespacesOptions) ([]*gitlab.Namespace, *gitlab.Response, error) {
		return c.Namespaces.ListNamespaces(opt)
	}, func(n *gitlab.Namespace) string { return n.FullPath })
}

// TestNamespaces_Get pins GET /namespaces/:id: by id or full path, to
// members, owners and administrators only, with the counts of a group
// shown to those who administer it.
func TestNamespaces_Get(t *testing.T) {
	t.Parallel()
	g := setupGroupTree(t)
	url := g.env.URL
	other := `{"id":` + itoa(g.ids["other"]) + `,"name":"Other","path":"other","kind":"group","full_path":"other",` +
		`"parent_id":null,"avatar_url":null,"web_url":"` + url + `/groups/other",` +
		`"members_count_with_descendants":1,"root_repository_size":null,"projects_count":1}`
	sub := `{"id":` + itoa(g.ids["priv/sub"]) + `,"name":"Sub","path":"sub","kind":"group","full_path":"priv/sub",` +
		`"parent_id":` + itoa(g.ids["priv"]) + `,"avatar_url":null,"web_url":"` + url + `/groups/priv/sub"}`
	deep := `{"id":` + itoa(g.ids["priv/sub/deep"]) + `,"name":"Deep","path":"deep","kind":"group","full_path":"priv/sub/deep",` +
		`"parent_id":` + itoa(g.ids["priv/sub"]) + `,"avatar_url":null,"web_url":"` + url + `/groups/priv/sub/deep"}`
	anns := `{"id":` + itoa(g.ids["anns"]) + `,"name":"Anns","path":"anns","kind":"group","full_path":"anns",` +
		`"parent_id":null,"avatar_url":null,"web_url":"` + url + `/groups/anns",` +
		`"members_count_with_descendants":1,"root_repository_size":null,"projects_count":0}`
	const notFound = `{"message":"404 Namespace Not Found"}`
	checkCalls(t, g.env, []apiCase{
		{"AdminSeesCounts", "GET", "/api/v4/namespaces/other", g.tokens["root"], "", "", 200, other},
		{"ByID", "GET", "/api/v4/namespaces/" + itoa(g.ids["other"]), g.tokens["root"], "", "", 200, other},
		{"OwnerSeesCounts", "GET", "/api/v4/namespaces/anns", g.tokens["ann"], "", "", 200, anns},
		{"OwnerSeesCountsInList", "GET", "/api/v4/namespaces?search=anns", g.tokens["ann"], "", "", 200, "[" + anns + "]"},
		{"MemberWithoutCounts", "GET", "/api/v4/namespaces/priv%2Fsub", g.tokens["ann"], "", "", 200, sub},
		{"PathAnyCase", "GET", "/api/v4/namespaces/PRIV%2FSUB", g.tokens["ann"], "", "", 200, sub},
		{"Inherited", "GET", "/api/v4/namespaces/priv%2Fsub%2Fdeep", g.tokens["ann"], "", "", 200, deep},
		{"Own", "GET", "/api/v4/namespaces/ann", g.tokens["ann"], "", "", 200, `{"id":` + itoa(nsID(t, g, "ann")) +
			`,"name":"Ann","path":"ann","kind":"user","full_path":"ann","parent_id":null,"avatar_url":null,"web_url":"` + url + `/ann"}`},
		{"AncestorOfMembership", "GET", "/api/v4/namespaces/priv", g.tokens["ann"], "", "", 404, notFound},
		{"PublicGroupNotMember", "GET", "/api/v4/namespaces/pub", g.tokens["ann"], "", "", 404, notFound},
		{"OtherUser", "GET", "/api/v4/namespaces/bob", g.tokens["ann"], "", "", 404, notFound},
		{"Missing", "GET", "/api/v4/namespaces/nope", g.tokens["root"], "", "", 404, notFound},
		{"Anonymous", "GET", "/api/v4/namespaces/pub", "", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"AnonymousList", "GET", "/api/v4/namespaces", "", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"BadFlag", "GET", "/api/v4/namespaces?owned_only=maybe", g.tokens["ann"], "", "", 400, `{"error":"owned_only is invalid"}`},
	})
}

func nsID(t *testing.T, g *groupTree, username string) int64 {
	t.Helper()
	n, _, err := g.env.Root.Namespaces.GetNamespace(username)
	if err != nil {
		t.Fatal(err)
	}
	return n.ID
}

package api_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// groupContentEnv is a public group pub with a sub-group pub/sub and a
// private group priv, and a guest, a reporter and an owner of pub (and so
// of pub/sub), and a stranger to both.
type groupContentEnv struct {
	env    *servertest.Env
	tokens map[string]string
}

const formType = "application/x-www-form-urlencoded"

func setupGroupContent(t *testing.T) groupContentEnv {
	t.Helper()
	env := servertest.Start(t)
	e := groupContentEnv{env: env, tokens: map[string]string{"root": servertest.RootToken}}
	pub, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("Pub"), Path: gitlab.Ptr("pub"),
		Visibility: gitlab.Ptr(gitlab.PublicVisibility)})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []*gitlab.CreateGroupOptions{
		{Name: gitlab.Ptr("Sub"), Path: gitlab.Ptr("sub"), ParentID: gitlab.Ptr(pub.ID), Visibility: gitlab.Ptr(gitlab.PublicVisibility)},
		{Name: gitlab.Ptr("Priv"), Path: gitlab.Ptr("priv"), Visibility: gitlab.Ptr(gitlab.PrivateVisibility)},
	} {
		if _, _, err := env.Root.Groups.CreateGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	for name, level := range map[string]gitlab.AccessLevelValue{"guest": gitlab.GuestPermissions,
		"reporter": gitlab.ReporterPermissions, "owner": gitlab.OwnerPermissions} {
		u, _, tok := newUser(t, env, name)
		e.tokens[name] = tok
		if _, _, err := env.Root.GroupMembers.AddGroupMember(pub.ID, &gitlab.AddGroupMemberOptions{
			UserID: gitlab.Ptr(u.ID), AccessLevel: gitlab.Ptr(level)}); err != nil {
			t.Fatal(err)
		}
	}
	_, _, e.tokens["stranger"] = newUser(t, env, "stranger")
	return e
}

// must sends a request that has to answer want, and returns its body.
func (e groupContentEnv) must(t *testing.T, want int, method, path, who, form string) string {
	t.Helper()
	ctype := ""
	if form != "" {
		ctype = formType
	}
	status, body, _ := call(t, e.env, method, "/api/v4"+path, e.tokens[who], ctype, form)
	if status != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, status, body, want)
	}
	return body
}

// idOf is the id in a created record's JSON.
func idOf(t *testing.T, body string) string {
	t.Helper()
	return fmt.Sprint(int64(decode(t, body)["id"].(float64)))
}

func labelJSON(id, name, color, description, textColor string) string {
	desc := "null"
	if description != "" {
		desc = `"` + description + `"`
	}
	return `{"id":` + id + `,"name":"` + name + `","color":"` + color + `","description":` + desc +
		`,"description_html":null,"text_color":"` + textColor + `","remove_on_close":false,"subscribed":false}`
}

// TestGroupContent_Labels pins GET/POST/PUT/DELETE /groups/:id/labels:
// who may do what, GitLab's messages, named colors, a sub-group's list
// with its ancestors' labels, and both update and delete forms.
func TestGroupContent_Labels(t *testing.T) {
	t.Parallel()
	e := setupGroupContent(t)
	bug := idOf(t, e.must(t, 201, "POST", "/groups/pub/labels", "reporter", "name=bug&color=%23d9534f&description=Bugs"))
	feat := idOf(t, e.must(t, 201, "POST", "/groups/pub/labels", "owner", "name=feature&color=Navy"))
	sub := idOf(t, e.must(t, 201, "POST", "/groups/pub%2Fsub/labels", "reporter", "name=sub+only&color=%23fff"))
	bugJSON := labelJSON(bug, "bug", "#d9534f", "Bugs", "#FFFFFF")
	featJSON := labelJSON(feat, "feature", "#000080", "", "#FFFFFF")
	subJSON := labelJSON(sub, "sub only", "#fff", "", "#333333")
	checkCalls(t, e.env, []apiCase{
		{"Anonymous", "GET", "/api/v4/groups/pub/labels", "", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"StrangerPrivate", "GET", "/api/v4/groups/priv/labels", e.tokens["stranger"], "", "", 404, `{"message":"404 Group Not Found"}`},
		{"NoGroup", "GET", "/api/v4/groups/nope/labels", e.tokens["owner"], "", "", 404, `{"message":"404 Group Not Found"}`},
		{"StrangerPublic", "GET", "/api/v4/groups/pub/labels", e.tokens["stranger"], "", "", 200, "[" + bugJSON + "," + featJSON + "]"},
		{"Search", "GET", "/api/v4/groups/pub/labels?search=BUG", e.tokens["guest"], "", "", 200, "[" + bugJSON + "]"},
		{"SubWithAncestors", "GET", "/api/v4/groups/pub%2Fsub/labels", e.tokens["guest"], "", "", 200,
			"[" + bugJSON + "," + featJSON + "," + subJSON + "]"},
		{"SubOwnOnly", "GET", "/api/v4/groups/pub%2Fsub/labels?include_ancestor_groups=false", e.tokens["guest"], "", "", 200, "[" + subJSON + "]"},
		{"WithDescendants", "GET", "/api/v4/groups/pub/labels?include_descendant_groups=true&search=o", e.tokens["guest"], "", "", 200,
			"[" + subJSON + "]"},
		{"BadBoolean", "GET", "/api/v4/groups/pub/labels?with_counts=maybe", e.tokens["guest"], "", "", 400, `{"error":"with_counts is invalid"}`},
		{"ByTitle", "GET", "/api/v4/groups/pub/labels/feature", e.tokens["guest"], "", "", 200, featJSON},
		{"ByID", "GET", "/api/v4/groups/pub/labels/" + bug, e.tokens["guest"], "", "", 200, bugJSON},
		{"AncestorByTitle", "GET", "/api/v4/groups/pub%2Fsub/labels/bug", e.tokens["guest"], "", "", 200, bugJSON},
		{"Missing", "GET", "/api/v4/groups/pub/labels/nope", e.tokens["guest"], "", "", 404, `{"message":"404 Label Not Found"}`},
		{"GuestCreate", "POST", "/api/v4/groups/pub/labels", e.tokens["guest"], formType, "name=x&color=red", 403, `{"message":"403 Forbidden"}`},
		{"StrangerCreate", "POST", "/api/v4/groups/pub/labels", e.tokens["stranger"], formType, "name=x&color=red", 403, `{"message":"403 Forbidden"}`},
		{"Exists", "POST", "/api/v4/groups/pub/labels", e.tokens["reporter"], formType, "name=bug&color=red", 409, `{"message":"Label already exists"}`},
		{"ExistsInAncestor", "POST", "/api/v4/groups/pub%2Fsub/labels", e.tokens["reporter"], formType, "name=feature&color=red", 409,
			`{"message":"Label already exists"}`},
		{"MissingColor", "POST", "/api/v4/groups/pub/labels", e.tokens["reporter"], formType, "name=x", 400, `{"error":"color is missing"}`},
		{"BadColor", "POST", "/api/v4/groups/pub/labels", e.tokens["reporter"], formType, "name=x&color=%23ggg", 400,
			`{"message":{"color":["must be a valid color code"]}}`},
		{"BadTitle", "POST", "/api/v4/groups/pub/labels", e.tokens["reporter"], formType, "name=a,b&color=notacolor", 400,
			`{"message":{"title":["is invalid"],"color":["must be a valid color code"]}}`},
		{"UpdateNothing", "PUT", "/api/v4/groups/pub/labels/bug", e.tokens["reporter"], "", "", 400,
			`{"error":"new_name, color, description are missing, at least one parameter must be provided"}`},
		{"UpdateOldFormNoName", "PUT", "/api/v4/groups/pub/labels", e.tokens["reporter"], formType, "color=red", 400,
			`{"error":"label_id, name are missing, exactly one parameter must be provided"}`},
		{"UpdateOldFormBoth", "PUT", "/api/v4/groups/pub/labels", e.tokens["reporter"], formType, "label_id=1&name=bug&color=red", 400,
			`{"error":"label_id, name are mutually exclusive"}`},
		{"UpdateGuest", "PUT", "/api/v4/groups/pub/labels/bug", e.tokens["guest"], formType, "color=red", 403, `{"message":"403 Forbidden"}`},
		{"UpdateTaken", "PUT", "/api/v4/groups/pub/labels/bug", e.tokens["reporter"], formType, "new_name=feature", 400,
			`{"message":{"title":["has already been taken"]}}`},
		{"UpdateAncestorLabel", "PUT", "/api/v4/groups/pub%2Fsub/labels/bug", e.tokens["reporter"], formType, "color=red", 404,
			`{"message":"404 Label Not Found"}`},
		{"Update", "PUT", "/api/v4/groups/pub/labels/bug", e.tokens["reporter"], formType, "new_name=defect&color=white", 200,
			labelJSON(bug, "defect", "#FFFFFF", "Bugs", "#333333")},
		{"UpdateOldForm", "PUT", "/api/v4/groups/pub/labels", e.tokens["reporter"], formType, "label_id=" + feat + "&description=New", 200,
			labelJSON(feat, "feature", "#000080", "New", "#FFFFFF")},
		{"DeleteMissing", "DELETE", "/api/v4/groups/pub/labels/bug", e.tokens["reporter"], "", "", 404, `{"message":"404 Label Not Found"}`},
		{"DeleteGuest", "DELETE", "/api/v4/groups/pub/labels/defect", e.tokens["guest"], "", "", 403, `{"message":"403 Forbidden"}`},
		{"DeleteOldFormNoName", "DELETE", "/api/v4/groups/pub/labels", e.tokens["reporter"], "", "", 400, `{"error":"name is missing"}`},
	})
	if body := e.must(t, 201, "POST", "/groups/priv/labels", "root", "name=admin&color=%23000"); !strings.Contains(body, `"name":"admin"`) {
		t.Errorf("an administrator's label on a group they are no member of: %s", body)
	}
	e.must(t, 204, "DELETE", "/groups/pub/labels/defect", "reporter", "")
	e.must(t, 204, "DELETE", "/groups/pub/labels?name=feature", "root", "")
	if body := e.must(t, 200, "GET", "/groups/pub/labels", "guest", ""); body != "[]" {
		t.Errorf("labels after the deletes: %s", body)
	}
}

// TestGroupContent_LabelPagination pins the pagination headers of a group's
// labels.
func TestGroupContent_LabelPagination(t *testing.T) {
	t.Parallel()
	e := setupGroupContent(t)
	for _, name := range []string{"c", "a", "b"} {
		e.must(t, 201, "POST", "/groups/pub/labels", "reporter", "name="+name+"&color=red")
	}
	_, body, h := call(t, e.env, "GET", "/api/v4/groups/pub/labels?per_page=2&page=2", e.tokens["guest"], "", "")
	var names []string
	for _, l := range strings.Split(body, `"name":"`)[1:] {
		names = append(names, l[:1])
	}
	if fmt.Sprint(names) != "[c]" {
		t.Errorf("page 2: %v, want [c]", names)
	}
	for k, want := range map[string]string{"X-Total": "3", "X-Total-Pages": "2", "X-Page": "2", "X-Per-Page": "2",
		"X-Prev-Page": "1", "X-Next-Page": ""} {
		if got := h.Get(k); got != want {
			t.Errorf("%s %q, want %q", k, got, want)
		}
	}
	if link := h.Get("Link"); !strings.Contains(link, `rel="prev"`) || !strings.Contains(link, `rel="first"`) {
		t.Errorf("Link %s", link)
	}
}

// TestGroupContent_Milestones pins /groups/:id/milestones.
func TestGroupContent_Milestones(t *testing.T) {
	t.Parallel()
	e := setupGroupContent(t)
	v1 := decode(t, e.must(t, 201, "POST", "/groups/pub/milestones", "reporter", "title=v1&due_date=2030-01-31&start_date=2030-01-01&description=First"))
	v2 := decode(t, e.must(t, 201, "POST", "/groups/pub/milestones", "reporter", "title=v2"))
	if v1["iid"] != 1.0 || v2["iid"] != 2.0 || v1["group_id"] == nil || v1["web_url"] != e.env.URL+"/groups/pub/-/milestones/1" ||
		v1["due_date"] != "2030-01-31" || v1["state"] != "active" || v1["expired"] != false {
		t.Fatalf("created %v and %v", v1, v2)
	}
	id1, id2 := fmt.Sprint(int64(v1["id"].(float64))), fmt.Sprint(int64(v2["id"].(float64)))
	titles := func(path, who string) string {
		t.Helper()
		body := e.must(t, 200, "GET", path, who, "")
		var out []string
		for _, part := range strings.Split(body, `"title":"`)[1:] {
			out = append(out, part[:strings.Index(part, `"`)])
		}
		return strings.Join(out, ",")
	}
	for _, tt := range []struct{ name, path, who, want string }{
		{"All", "/groups/pub/milestones", "guest", "v1,v2"},
		{"Stranger", "/groups/pub/milestones", "stranger", "v1,v2"},
		{"Title", "/groups/pub/milestones?title=v2", "guest", "v2"},
		{"Search", "/groups/pub/milestones?search=FIRST", "guest", "v1"},
		{"IIDs", "/groups/pub/milestones?iids[]=2", "guest", "v2"},
		{"SubOwn", "/groups/pub%2Fsub/milestones", "guest", ""},
		{"SubWithParents", "/groups/pub%2Fsub/milestones?include_parent_milestones=true", "guest", "v1,v2"},
	} {
		if got := titles(tt.path, tt.who); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	checkCalls(t, e.env, []apiCase{
		{"Anonymous", "GET", "/api/v4/groups/pub/milestones", "", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"Private", "GET", "/api/v4/groups/priv/milestones", e.tokens["stranger"], "", "", 404, `{"message":"404 Group Not Found"}`},
		{"BadState", "GET", "/api/v4/groups/pub/milestones?state=open", e.tokens["guest"], "", "", 400, `{"error":"state does not have a valid value"}`},
		{"NotANumber", "GET", "/api/v4/groups/pub/milestones/v1", e.tokens["guest"], "", "", 400, `{"error":"milestone_id is invalid"}`},
		{"Missing", "GET", "/api/v4/groups/pub/milestones/999999", e.tokens["guest"], "", "", 404, `{"message":"404 Not found"}`},
		{"OtherGroups", "GET", "/api/v4/groups/pub%2Fsub/milestones/" + id1, e.tokens["guest"], "", "", 404, `{"message":"404 Not found"}`},
		{"GuestCreate", "POST", "/api/v4/groups/pub/milestones", e.tokens["guest"], formType, "title=v3", 403, `{"message":"403 Forbidden"}`},
		{"NoTitle", "POST", "/api/v4/groups/pub/milestones", e.tokens["reporter"], formType, "description=x", 400, `{"error":"title is missing"}`},
		{"Taken", "POST", "/api/v4/groups/pub/milestones", e.tokens["reporter"], formType, "title=v1", 400,
			`{"message":"Failed to create milestone {:title=>[\"already being used for another group or project milestone.\"]}"}`},
		{"Dates", "POST", "/api/v4/groups/pub/milestones", e.tokens["reporter"], formType, "title=v3&start_date=2030-02-01&due_date=2030-01-01", 400,
			`{"message":"Failed to create milestone {:due_date=>[\"must be greater than start date\"]}"}`},
		{"UpdateNothing", "PUT", "/api/v4/groups/pub/milestones/" + id1, e.tokens["reporter"], "", "", 400,
			`{"error":"title, description, start_date, due_date, state_event are missing, at least one parameter must be provided"}`},
		{"BadEvent", "PUT", "/api/v4/groups/pub/milestones/" + id1, e.tokens["reporter"], formType, "state_event=reopen", 400,
			`{"error":"state_event does not have a valid value"}`},
		{"UpdateTaken", "PUT", "/api/v4/groups/pub/milestones/" + id2, e.tokens["reporter"], formType, "title=v1", 400,
			`{"message":"Failed to update milestone {:title=>[\"already being used for another group or project milestone.\"]}"}`},
		{"UpdateGuest", "PUT", "/api/v4/groups/pub/milestones/" + id1, e.tokens["guest"], formType, "state_event=close", 403, `{"message":"403 Forbidden"}`},
		{"Issues", "GET", "/api/v4/groups/pub/milestones/" + id1 + "/issues", e.tokens["guest"], "", "", 200, `[]`},
		{"DeleteGuest", "DELETE", "/api/v4/groups/pub/milestones/" + id2, e.tokens["guest"], "", "", 403, `{"message":"403 Forbidden"}`},
	})
	closed := decode(t, e.must(t, 200, "PUT", "/groups/pub/milestones/"+id1, "reporter", "state_event=close&title=v1.0"))
	if closed["state"] != "closed" || closed["title"] != "v1.0" || closed["id"] != v1["id"] || closed["created_at"] != v1["created_at"] {
		t.Errorf("closed: %v", closed)
	}
	if got := titles("/groups/pub/milestones?state=active", "guest"); got != "v2" {
		t.Errorf("active: %q, want v2", got)
	}
	e.must(t, 204, "DELETE", "/groups/pub/milestones/"+id2, "reporter", "")
	e.must(t, 404, "DELETE", "/groups/pub/milestones/"+id2, "reporter", "")
	v3 := decode(t, e.must(t, 201, "POST", "/groups/pub/milestones", "reporter", "title=v3"))
	if v3["iid"] != 2.0 {
		t.Errorf("iid after a delete: %v, want 2 (the next after the highest kept)", v3["iid"])
	}
}

// TestGroupContent_Badges pins /groups/:id/badges: anyone who reads the
// group lists them, an Owner changes them.
func TestGroupContent_Badges(t *testing.T) {
	t.Parallel()
	e := setupGroupContent(t)
	if _, _, err := e.env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Name: gitlab.Ptr("Proj"),
		NamespaceID: gitlab.Ptr(groupID(t, e, "pub")), Visibility: gitlab.Ptr(gitlab.PublicVisibility)}); err != nil {
		t.Fatal(err)
	}
	ci := idOf(t, e.must(t, 201, "POST", "/groups/pub/badges", "owner",
		"link_url=https://ci.example.com/%25%7Bproject_path%7D&image_url=https://ci.example.com/%25%7Bproject_id%7D.svg&name=ci"))
	pid := fmt.Sprint(groupProjectID(t, e))
	ciJSON := `{"name":"ci","link_url":"https://ci.example.com/%{project_path}","image_url":"https://ci.example.com/%{project_id}.svg",` +
		`"rendered_link_url":"https://ci.example.com/pub/proj","rendered_image_url":"https://ci.example.com/` + pid + `.svg","id":` + ci + `,"kind":"group"}`
	checkCalls(t, e.env, []apiCase{
		{"Anonymous", "GET", "/api/v4/groups/pub/badges", "", "", "", 200, "[" + ciJSON + "]"},
		{"AnonymousPrivate", "GET", "/api/v4/groups/priv/badges", "", "", "", 404, `{"message":"404 Group Not Found"}`},
		{"Get", "GET", "/api/v4/groups/pub/badges/" + ci, e.tokens["guest"], "", "", 200, ciJSON},
		{"ByName", "GET", "/api/v4/groups/pub/badges?name=other", e.tokens["guest"], "", "", 200, "[]"},
		{"Missing", "GET", "/api/v4/groups/pub/badges/999999", e.tokens["guest"], "", "", 404, `{"message":"404 Not found"}`},
		{"NotANumber", "GET", "/api/v4/groups/pub/badges/x", e.tokens["guest"], "", "", 400, `{"error":"badge_id is invalid"}`},
		{"SubHasNone", "GET", "/api/v4/groups/pub%2Fsub/badges/" + ci, e.tokens["guest"], "", "", 404, `{"message":"404 Not found"}`},
		{"AnonymousCreate", "POST", "/api/v4/groups/pub/badges", "", formType, "link_url=https://a/&image_url=https://a/b", 401,
			`{"message":"401 Unauthorized"}`},
		{"ReporterCreate", "POST", "/api/v4/groups/pub/badges", e.tokens["reporter"], formType, "link_url=https://a/&image_url=https://a/b", 403,
			`{"message":"403 Forbidden"}`},
		{"Missing", "POST", "/api/v4/groups/pub/badges", e.tokens["owner"], formType, "link_url=https://a/", 400, `{"error":"image_url is missing"}`},
		{"BadURL", "POST", "/api/v4/groups/pub/badges", e.tokens["owner"], formType, "link_url=ftp://a/&image_url=x", 400,
			`{"message":{"link_url":["must be a valid URL"],"image_url":["must be a valid URL"]}}`},
		{"Render", "GET", "/api/v4/groups/pub/badges/render?link_url=https://a/%25%7Bproject_name%7D&image_url=https://a/b", e.tokens["owner"], "", "", 200,
			`{"name":null,"link_url":"https://a/%{project_name}","image_url":"https://a/b","rendered_link_url":"https://a/proj","rendered_image_url":"https://a/b"}`},
		{"RenderAnonymous", "GET", "/api/v4/groups/pub/badges/render?link_url=https://a/&image_url=https://a/b", "", "", "", 401,
			`{"message":"401 Unauthorized"}`},
		{"RenderReporter", "GET", "/api/v4/groups/pub/badges/render?link_url=https://a/&image_url=https://a/b", e.tokens["reporter"], "", "", 403,
			`{"message":"403 Forbidden"}`},
		{"Update", "PUT", "/api/v4/groups/pub/badges/" + ci, e.tokens["owner"], formType, "name=build", 200,
			strings.Replace(ciJSON, `"name":"ci"`, `"name":"build"`, 1)},
		{"UpdateReporter", "PUT", "/api/v4/groups/pub/badges/" + ci, e.tokens["reporter"], formType, "name=x", 403, `{"message":"403 Forbidden"}`},
		{"UpdateMissing", "PUT", "/api/v4/groups/pub/badges/999999", e.tokens["owner"], formType, "name=x", 404, `{"message":"404 Not found"}`},
		{"DeleteReporter", "DELETE", "/api/v4/groups/pub/badges/" + ci, e.tokens["reporter"], "", "", 403, `{"message":"403 Forbidden"}`},
	})
	e.must(t, 204, "DELETE", "/groups/pub/badges/"+ci, "root", "")
	if body := e.must(t, 200, "GET", "/groups/pub/badges", "guest", ""); body != "[]" {
		t.Errorf("badges after the delete: %s", body)
	}
	// Without a project the URLs show as stored.
	e.must(t, 201, "POST", "/groups/pub%2Fsub/badges", "owner", "link_url=https://a/%25%7Bproject_path%7D&image_url=https://a/b")
	if body := e.must(t, 200, "GET", "/groups/pub%2Fsub/badges", "guest", ""); !strings.Contains(body, `"rendered_link_url":"https://a/%{project_path}"`) {
		t.Errorf("sub-group badges: %s", body)
	}
}

func groupID(t *testing.T, e groupContentEnv, path string) int64 {
	t.Helper()
	g, _, err := e.env.Root.Groups.GetGroup(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g.ID
}

func groupProjectID(t *testing.T, e groupContentEnv) int64 {
	t.Helper()
	p, _, err := e.env.Root.Projects.GetProject("pub/proj", nil)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// TestGroupContent_Boards pins /groups/:id/boards and their lists.
func TestGroupContent_Boards(t *testing.T) {
	t.Parallel()
	e := setupGroupContent(t)
	bug := idOf(t, e.must(t, 201, "POST", "/groups/pub/labels", "reporter", "name=bug&color=%23d9534f"))
	doc := idOf(t, e.must(t, 201, "POST", "/groups/pub/labels", "reporter", "name=doc&color=%23ffffff"))
	own := idOf(t, e.must(t, 201, "POST", "/groups/pub%2Fsub/labels", "reporter", "name=own&color=%23000000"))
	board := idOf(t, e.must(t, 201, "POST", "/groups/pub/boards", "reporter", "name=Development"))
	b := "/api/v4/groups/pub/boards/" + board
	first := idOf(t, e.must(t, 201, "POST", "/groups/pub/boards/"+board+"/lists", "reporter", "label_id="+bug))
	second := idOf(t, e.must(t, 201, "POST", "/groups/pub/boards/"+board+"/lists", "reporter", "label_id="+doc))
	bugLabel := `{"id":` + bug + `,"name":"bug","color":"#d9534f","description":null,"description_html":null,"text_color":"#FFFFFF","remove_on_close":false}`
	docLabel := `{"id":` + doc + `,"name":"doc","color":"#ffffff","description":null,"description_html":null,"text_color":"#333333","remove_on_close":false}`
	firstJSON := `{"id":` + first + `,"label":` + bugLabel + `,"position":0}`
	secondJSON := `{"id":` + second + `,"label":` + docLabel + `,"position":1}`
	group := `"group":{"id":` + fmt.Sprint(groupID(t, e, "pub")) + `,"web_url":"` + e.env.URL + `/groups/pub","name":"Pub"}`
	boardJSON := `{"id":` + board + `,"name":"Development","hide_backlog_list":false,"hide_closed_list":false,"project":null,"lists":[` +
		firstJSON + "," + secondJSON + `],` + group + `}`
	checkCalls(t, e.env, []apiCase{
		{"Anonymous", "GET", "/api/v4/groups/pub/boards", "", "", "", 401, `{"message":"401 Unauthorized"}`},
		{"List", "GET", "/api/v4/groups/pub/boards", e.tokens["guest"], "", "", 200, "[" + boardJSON + "]"},
		{"Get", "GET", b, e.tokens["stranger"], "", "", 200, boardJSON},
		{"Missing", "GET", "/api/v4/groups/pub/boards/999999", e.tokens["guest"], "", "", 404, `{"message":"404 Not found"}`},
		{"OtherGroup", "GET", "/api/v4/groups/pub%2Fsub/boards/" + board, e.tokens["guest"], "", "", 404, `{"message":"404 Not found"}`},
		{"Private", "GET", "/api/v4/groups/priv/boards", e.tokens["stranger"], "", "", 404, `{"message":"404 Group Not Found"}`},
		{"SecondBoard", "POST", "/api/v4/groups/pub/boards", e.tokens["reporter"], formType, "name=Other", 403, `{"message":"403 Forbidden"}`},
		{"GuestBoard", "POST", "/api/v4/groups/pub%2Fsub/boards", e.tokens["guest"], formType, "name=Other", 403, `{"message":"403 Forbidden"}`},
		{"NoName", "POST", "/api/v4/groups/pub%2Fsub/boards", e.tokens["reporter"], "", "", 400, `{"error":"name is missing"}`},
		{"Lists", "GET", b + "/lists", e.tokens["guest"], "", "", 200, "[" + firstJSON + "," + secondJSON + "]"},
		{"ListGet", "GET", b + "/lists/" + second, e.tokens["guest"], "", "", 200, secondJSON},
		{"ListMissing", "GET", b + "/lists/1", e.tokens["guest"], "", "", 404, `{"message":"404 Not found"}`},
		{"ListGuest", "POST", b + "/lists", e.tokens["guest"], formType, "label_id=" + bug, 403, `{"message":"403 Forbidden"}`},
		{"ListNoLabel", "POST", b + "/lists", e.tokens["reporter"], formType, "label_id=999999", 400, `{"message":{"error":"Label not found!"}}`},
		{"ListSubLabel", "POST", b + "/lists", e.tokens["reporter"], formType, "label_id=" + own, 400, `{"message":{"error":"Label not found!"}}`},
		{"ListTwice", "POST", b + "/lists", e.tokens["reporter"], formType, "label_id=" + bug, 400, `{"message":{"label_id":["has already been taken"]}}`},
		{"ListNoLabelID", "POST", b + "/lists", e.tokens["reporter"], "", "", 400, `{"error":"label_id is missing"}`},
		{"MoveSame", "PUT", b + "/lists/" + first, e.tokens["reporter"], formType, "position=0", 400, `{"message":{"error":"List could not be moved!"}}`},
		{"MoveOut", "PUT", b + "/lists/" + first, e.tokens["reporter"], formType, "position=2", 400, `{"message":{"error":"List could not be moved!"}}`},
		{"MoveGuest", "PUT", b + "/lists/" + first, e.tokens["guest"], formType, "position=1", 403, `{"message":"403 Forbidden"}`},
		{"MoveMissingFirst", "PUT", b + "/lists/1", e.tokens["guest"], formType, "position=1", 404, `{"message":"404 Not found"}`},
		{"Move", "PUT", b + "/lists/" + first, e.tokens["reporter"], formType, "position=1", 200,
			`{"id":` + first + `,"label":` + bugLabel + `,"position":1}`},
		{"Update", "PUT", b, e.tokens["reporter"], formType, "name=Planning&hide_closed_list=true", 200,
			`{"id":` + board + `,"name":"Planning","hide_backlog_list":false,"hide_closed_list":true,"project":null,"lists":[` +
				`{"id":` + second + `,"label":` + docLabel + `,"position":0},{"id":` + first + `,"label":` + bugLabel + `,"position":1}],` + group + `}`},
		{"UpdateGuest", "PUT", b, e.tokens["guest"], formType, "name=x", 403, `{"message":"403 Forbidden"}`},
		{"DeleteListGuest", "DELETE", b + "/lists/" + second, e.tokens["guest"], "", "", 403, `{"message":"403 Forbidden"}`},
	})
	// A sub-group's board lists its ancestors' labels too.
	subBoard := idOf(t, e.must(t, 201, "POST", "/groups/pub%2Fsub/boards", "reporter", "name=Sub"))
	subFirst := idOf(t, e.must(t, 201, "POST", "/groups/pub%2Fsub/boards/"+subBoard+"/lists", "reporter", "label_id="+bug))
	subOwn := idOf(t, e.must(t, 201, "POST", "/groups/pub%2Fsub/boards/"+subBoard+"/lists", "reporter", "label_id="+own))
	// A renamed label shows under its new name on every board; a deleted
	// one takes its lists along, the lists after them moving up.
	e.must(t, 200, "PUT", "/groups/pub/labels/bug", "reporter", "new_name=defect")
	if body := e.must(t, 200, "GET", "/groups/pub%2Fsub/boards/"+subBoard, "guest", ""); !strings.Contains(body, `"name":"defect"`) {
		t.Errorf("sub board after the rename: %s", body)
	}
	e.must(t, 204, "DELETE", "/groups/pub/labels/doc", "reporter", "")
	body := e.must(t, 200, "GET", "/groups/pub/boards/"+board+"/lists", "guest", "")
	if strings.Contains(body, `"doc"`) || !strings.Contains(body, `"name":"defect"`) || !strings.Contains(body, `"position":0`) {
		t.Errorf("lists after the label's delete: %s", body)
	}
	e.must(t, 204, "DELETE", "/groups/pub%2Fsub/boards/"+subBoard+"/lists/"+subFirst, "reporter", "")
	if body := e.must(t, 200, "GET", "/groups/pub%2Fsub/boards/"+subBoard+"/lists", "guest", ""); strings.Contains(body, "defect") ||
		!strings.Contains(body, `"name":"own","color":"#000000"`) || !strings.Contains(body, `"position":0`) {
		t.Errorf("sub lists after a delete: %s", body)
	}
	// A list keeps its id when one before it goes.
	e.must(t, 200, "GET", "/groups/pub%2Fsub/boards/"+subBoard+"/lists/"+subOwn, "guest", "")
	if again := idOf(t, e.must(t, 201, "POST", "/groups/pub%2Fsub/boards/"+subBoard+"/lists", "reporter", "label_id="+bug)); again == subFirst {
		t.Errorf("a new list took the id %s of a deleted one", again)
	}
	e.must(t, 204, "DELETE", "/groups/pub%2Fsub/boards/"+subBoard, "reporter", "")
	if body := e.must(t, 200, "GET", "/groups/pub%2Fsub/boards", "guest", ""); body != "[]" {
		t.Errorf("sub boards after the delete: %s", body)
	}
}

// TestGroupContent_ProjectLists pins that a project's labels include its
// group's and (include_ancestor_groups, the default) the group's
// ancestors', and its milestones the groups' with include_parent_milestones.
func TestGroupContent_ProjectLists(t *testing.T) {
	t.Parallel()
	e := setupGroupContent(t)
	p, _, err := e.env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Name: gitlab.Ptr("Proj"),
		NamespaceID: gitlab.Ptr(groupID(t, e, "pub/sub")), Visibility: gitlab.Ptr(gitlab.PublicVisibility)})
	if err != nil {
		t.Fatal(err)
	}
	top := idOf(t, e.must(t, 201, "POST", "/groups/pub/labels", "reporter", "name=top&color=%23000000"))
	sub := idOf(t, e.must(t, 201, "POST", "/groups/pub%2Fsub/labels", "reporter", "name=sub&color=%23000000"))
	e.must(t, 201, "POST", "/groups/pub/milestones", "reporter", "title=top-v1&due_date=2030-01-01")
	e.must(t, 201, "POST", "/groups/pub%2Fsub/milestones", "reporter", "title=sub-v1")
	label := func(id, name string) string {
		return `{"id":` + id + `,"name":"` + name + `","color":"#000000","description":null,"description_html":null,` +
			`"text_color":"#FFFFFF","remove_on_close":false,"subscribed":false,"priority":null,"is_project_label":false}`
	}
	path := "/api/v4/projects/" + fmt.Sprint(p.ID)
	checkCalls(t, e.env, []apiCase{
		{"Labels", "GET", path + "/labels", e.tokens["guest"], "", "", 200, "[" + label(sub, "sub") + "," + label(top, "top") + "]"},
		{"LabelsOwnGroup", "GET", path + "/labels?include_ancestor_groups=false", e.tokens["guest"], "", "", 200, "[" + label(sub, "sub") + "]"},
		{"LabelsSearch", "GET", path + "/labels?search=to", e.tokens["stranger"], "", "", 200, "[" + label(top, "top") + "]"},
		{"Milestones", "GET", path + "/milestones", e.tokens["guest"], "", "", 200, "[]"},
	})
	counted := e.must(t, 200, "GET", "/groups/pub/labels?with_counts=true&include_descendant_groups=true&only_group_labels=false", "guest", "")
	if strings.Count(counted, `"open_issues_count":0,"closed_issues_count":0,"open_merge_requests_count":0,"subscribed":false`) != 2 {
		t.Errorf("labels with counts: %s", counted)
	}
	body := e.must(t, 200, "GET", "/projects/"+fmt.Sprint(p.ID)+"/milestones?include_parent_milestones=true", "guest", "")
	if !strings.Contains(body, `"title":"top-v1"`) || !strings.Contains(body, `"title":"sub-v1"`) ||
		strings.Index(body, "top-v1") > strings.Index(body, "sub-v1") || !strings.Contains(body, `"group_id":`) {
		t.Errorf("milestones with the groups': %s", body)
	}
}

// TestGroupContent_ConcurrentWrites pins that writes to one group's
// records at once each get their own record: distinct ids and iids, none
// lost.
func TestGroupContent_ConcurrentWrites(t *testing.T) {
	t.Parallel()
	e := setupGroupContent(t)
	const n = 8
	bodies := make(chan string, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, body, _ := call(t, e.env, "POST", "/api/v4/groups/pub/milestones", e.tokens["reporter"], formType, fmt.Sprintf("title=m%d", i))
			bodies <- body
		}()
		go func() {
			defer wg.Done()
			_, body, _ := call(t, e.env, "POST", "/api/v4/groups/pub/labels", e.tokens["reporter"], formType, fmt.Sprintf("name=l%d&color=red", i))
			bodies <- body
		}()
	}
	wg.Wait()
	close(bodies)
	ids, iids := map[float64]bool{}, map[float64]bool{}
	for body := range bodies {
		m := decode(t, body)
		id, ok := m["id"].(float64)
		if !ok || ids[id] {
			t.Fatalf("answer %s: no id or one given twice", body)
		}
		ids[id] = true
		if iid, ok := m["iid"].(float64); ok {
			iids[iid] = true
		}
	}
	if len(iids) != n {
		t.Errorf("%d distinct iids, want %d", len(iids), n)
	}
	for _, path := range []string{"/groups/pub/milestones", "/groups/pub/labels"} {
		if body := e.must(t, 200, "GET", path+"?per_page=100", "guest", ""); strings.Count(body, `"id":`) != n {
			t.Errorf("%s: %s, want %d records", path, body, n)
		}
	}
}

// TestGroupContent_WithAProject pins, with an imported project in the
// group, that a group milestone may not take the title of a milestone of
// one of the group's projects (GitLab's Milestone#uniqueness_of_title),
// that the project lists the group's milestones with
// include_parent_milestones, and a group label's counts.
func TestGroupContent_WithAProject(t *testing.T) {
	t.Parallel()
	e := setupGroupContent(t)
	setAdmin(t, e.env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0))})
	id := importFinished(t, e.env, fixtureArchive(t, "0.2.4", nil), map[string]string{"path": "imp", "namespace": "pub"})
	checkCalls(t, e.env, []apiCase{
		{"Taken", "POST", "/api/v4/groups/pub/milestones", e.tokens["reporter"], formType, "title=v4.0", 400,
			`{"message":"Failed to create milestone {:title=>[\"already being used for another group or project milestone.\"]}"}`},
	})
	e.must(t, 201, "POST", "/groups/pub%2Fsub/milestones", "reporter", "title=v4.0") // not the sub-group's project
	e.must(t, 201, "POST", "/groups/pub/milestones", "reporter", "title=group+only")
	body := e.must(t, 200, "GET", "/projects/"+fmt.Sprint(id)+"/milestones?include_parent_milestones=true&search=only", "guest", "")
	if !strings.Contains(body, `"title":"group only"`) || strings.Contains(body, "v4.0") {
		t.Errorf("project milestones with the group's: %s", body)
	}
	// A group label counts the issues and merge requests of the group's
	// projects that carry its title.
	total := func(path string) string {
		t.Helper()
		status, body, h := call(t, e.env, "GET", "/api/v4/projects/"+fmt.Sprint(id)+path, e.tokens["reporter"], "", "")
		if status != 200 {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		return h.Get("X-Total")
	}
	e.must(t, 201, "POST", "/groups/pub/labels", "reporter", "name=test2&color=red")
	want := fmt.Sprintf(`"open_issues_count":%s,"closed_issues_count":%s,"open_merge_requests_count":%s`,
		total("/issues?labels=test2&state=opened"), total("/issues?labels=test2&state=closed"),
		total("/merge_requests?labels=test2&state=opened"))
	if body := e.must(t, 200, "GET", "/groups/pub/labels?with_counts=true", "reporter", ""); !strings.Contains(body, want) {
		t.Errorf("counts: %s, want %s", body, want)
	}
}

package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// groupExportEnv is a server with group acme and its sub-groups acme/web,
// acme/api and acme/web/ui (made in that order), members of each kind and
// group content stored in the shape of GitLab's group archive.
type groupExportEnv struct {
	env    *servertest.Env
	ids    map[string]int64
	tokens map[string]string
	users  map[string]*gitlab.User
	// rows are the group_relations row ids of the seeded records, by
	// "<group>/<relation>/<title or name>".
	rows map[string]int64
}

func setupGroupExport(t *testing.T, opts servertest.Options) *groupExportEnv {
	t.Helper()
	env := servertest.StartWith(t, opts)
	s := &groupExportEnv{env: env, ids: map[string]int64{}, tokens: map[string]string{"root": servertest.RootToken},
		users: map[string]*gitlab.User{}, rows: map[string]int64{}}
	for _, path := range []string{"acme", "acme/web", "acme/api", "acme/web/ui"} {
		parent, name := filepath.Split(path)
		opt := &gitlab.CreateGroupOptions{Name: gitlab.Ptr(strings.ToUpper(name)), Path: gitlab.Ptr(name),
			Visibility: gitlab.Ptr(gitlab.PrivateVisibility), Description: gitlab.Ptr("about " + name)}
		if parent != "" {
			opt.ParentID = gitlab.Ptr(s.ids[strings.TrimSuffix(parent, "/")])
		}
		g, _, err := env.Root.Groups.CreateGroup(opt)
		if err != nil {
			t.Fatal(err)
		}
		s.ids[path] = g.ID
	}
	for _, m := range []struct {
		user, group string
		level       gitlab.AccessLevelValue
	}{{"olga", "acme", gitlab.OwnerPermissions}, {"gus", "acme", gitlab.GuestPermissions},
		{"mia", "acme", gitlab.MaintainerPermissions}, {"wes", "acme/web", gitlab.DeveloperPermissions}} {
		u, _, tok := newUser(t, env, m.user)
		s.users[m.user], s.tokens[m.user] = u, tok
		if _, _, err := env.Root.GroupMembers.AddGroupMember(s.ids[m.group], &gitlab.AddGroupMemberOptions{
			UserID: gitlab.Ptr(u.ID), AccessLevel: gitlab.Ptr(m.level)}); err != nil {
			t.Fatal(err)
		}
	}
	s.seed(t)
	return s
}

// seed stores group content as G1's API and G2's import store it: records
// in GitLab's group archive shape, with ids of their own that the export
// replaces.
func (s *groupExportEnv) seed(t *testing.T) {
	t.Helper()
	ctx, db := context.Background(), s.env.Server.DB
	acme, web := s.ids["acme"], s.ids["acme/web"]
	for _, c := range []struct {
		group    int64
		relation string
		records  []string
	}{
		{acme, "labels", []string{
			`{"id":901,"title":"bug","color":"#d9534f","project_id":null,"group_id":1,"created_at":"2024-01-02T03:04:05.000Z","updated_at":"2024-01-02T03:04:05.000Z","template":false,"description":"Broken","type":"GroupLabel"}`,
			`{"id":902,"title":"feature","color":"#5cb85c","project_id":null,"group_id":1,"type":"GroupLabel"}`}},
		{acme, "badges", []string{`{"id":31,"link_url":"https://example.com/%{project_path}","image_url":"https://example.com/b.svg","project_id":null,"group_id":1,"name":"ci","type":"GroupBadge"}`}},
		{acme, "epics", []string{`{"id":1,"iid":1,"title":"an EE relation"}`}},
		{web, "labels", []string{`{"id":903,"title":"frontend","color":"#428bca","group_id":2,"type":"GroupLabel"}`}},
		{web, "milestones", []string{`{"id":41,"iid":1,"title":"v1","group_id":2,"project_id":null,"description":"First","state":"active","due_date":null,"start_date":null}`}},
		{web, "boards", []string{`{"id":51,"name":"Dev","group_id":2,"project_id":null,"lists":[` +
			`{"id":61,"board_id":51,"label_id":901,"list_type":"label","position":0,"label":{"id":901,"title":"bug","color":"#d9534f","type":"GroupLabel","group_id":1}},` +
			`{"id":62,"board_id":51,"label_id":903,"list_type":"label","position":1,"label":{"id":903,"title":"frontend","color":"#428bca","type":"GroupLabel","group_id":2}},` +
			`{"id":63,"board_id":51,"label_id":null,"list_type":"closed","position":null}]}`}},
	} {
		if err := db.InsertGroupRelationRecords(ctx, c.group, c.relation, 0, c.records); err != nil {
			t.Fatal(err)
		}
		name := map[int64]string{acme: "acme", web: "acme/web"}[c.group]
		err := db.EachGroupRelationRow(ctx, c.group, c.relation, func(id int64, data []byte) error {
			var rec struct{ Title, Name string }
			_ = json.Unmarshal(data, &rec)
			s.rows[name+"/"+c.relation+"/"+rec.Title+rec.Name] = id
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	attrs := `{"runners_token":"sekret","runners_token_encrypted":"x","saml_discovery_token":"y","owner_id":1,` +
		`"created_at":"2020-01-01T00:00:00Z","updated_at":"2020-01-01T00:00:00Z","membership_lock":true,` +
		`"description":"imported description","name":"Imported","two_factor_grace_period":12}`
	if err := db.SaveGroupAttributes(ctx, acme, attrs); err != nil {
		t.Fatal(err)
	}
}

// path is /api/v4/groups/<id><suffix>.
func (s *groupExportEnv) path(group, suffix string) string {
	return "/api/v4/groups/" + itoa(s.ids[group]) + suffix
}

// export starts an export of group as user and waits, on Ferry's status
// route, until it ends with want.
func (s *groupExportEnv) export(t *testing.T, group, user, want string) map[string]any {
	t.Helper()
	if status, body, _ := call(t, s.env, "POST", s.path(group, "/export"), s.tokens[user], "", ""); status != 202 ||
		body != `{"message":"202 Accepted"}` {
		t.Fatalf("POST export: %d %s", status, body)
	}
	return s.waitStatus(t, group, user, want)
}

func (s *groupExportEnv) waitStatus(t *testing.T, group, user, want string) map[string]any {
	t.Helper()
	var st map[string]any
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		status, body, _ := call(t, s.env, "GET", "/api/v4/ferry/groups/"+itoa(s.ids[group])+"/export", s.tokens[user], "", "")
		if status != 200 {
			t.Fatalf("status route: %d %s", status, body)
		}
		if st = decode(t, body); st["export_status"] == want {
			return st
		}
	}
	t.Fatalf("export never reached %s: %v", want, st)
	return nil
}

// ndjson decodes each line of an NDJSON file.
func ndjson(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		out = append(out, decode(t, line))
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestGroupExport_Archive exports a group hierarchy through the API as its
// Owner and checks the archive against GitLab's group export: the layout,
// _all.ndjson's order, each group's attributes (no excluded attribute, no
// token), and each relation's records and ids.
func TestGroupExport_Archive(t *testing.T) {
	t.Parallel()
	s := setupGroupExport(t, servertest.Options{})
	setAdmin(t, s.env, &gitlab.UpdateSettingsOptions{GroupDownloadExportLimit: gitlab.Ptr(int64(0))})
	st := s.export(t, "acme", "olga", "finished")
	if st["_links"].(map[string]any)["api_url"] != s.env.URL+s.path("acme", "/export/download") || st["finished_at"] == nil {
		t.Errorf("status %v", st)
	}
	status, body, hdr := call(t, s.env, "GET", s.path("acme", "/export/download"), s.tokens["olga"], "", "")
	if status != 200 {
		t.Fatalf("download: %d %s", status, body)
	}
	// GitLab's export_filename: "<%Y-%m-%d_%H-%M-%3N>_<full path>_export.tar.gz".
	name := regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{3}_acme_export\.tar\.gz$`)
	disposition := regexp.MustCompile(`^attachment; filename="(.+)"; filename\*=UTF-8''(.+)$`).FindStringSubmatch(
		hdr.Get("Content-Disposition"))
	if disposition == nil || !name.MatchString(disposition[1]) || disposition[2] != disposition[1] ||
		hdr.Get("Content-Type") != "application/octet-stream" || hdr.Get("Content-Transfer-Encoding") != "binary" {
		t.Errorf("headers %v", hdr)
	}
	files := untar(t, []byte(body))
	id := func(g string) string { return itoa(s.ids[g]) }
	var names []string
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	want := []string{"./", "./GITLAB_REVISION", "./GITLAB_VERSION", "./VERSION", "./tree/", "./tree/groups/",
		"./tree/groups/" + id("acme") + "/", "./tree/groups/" + id("acme") + "/badges.ndjson",
		"./tree/groups/" + id("acme") + "/labels.ndjson", "./tree/groups/" + id("acme") + "/members.ndjson",
		"./tree/groups/" + id("acme") + "/namespace_settings.ndjson", "./tree/groups/" + id("acme") + ".json",
		"./tree/groups/" + id("acme/api") + "/", "./tree/groups/" + id("acme/api") + "/members.ndjson",
		"./tree/groups/" + id("acme/api") + "/namespace_settings.ndjson",
		"./tree/groups/" + id("acme/api") + ".json",
		"./tree/groups/" + id("acme/web") + "/", "./tree/groups/" + id("acme/web") + "/boards.ndjson",
		"./tree/groups/" + id("acme/web") + "/labels.ndjson", "./tree/groups/" + id("acme/web") + "/members.ndjson",
		"./tree/groups/" + id("acme/web") + "/milestones.ndjson", "./tree/groups/" + id("acme/web") + "/namespace_settings.ndjson",
		"./tree/groups/" + id("acme/web") + ".json",
		"./tree/groups/" + id("acme/web/ui") + "/", "./tree/groups/" + id("acme/web/ui") + "/members.ndjson",
		"./tree/groups/" + id("acme/web/ui") + "/namespace_settings.ndjson",
		"./tree/groups/" + id("acme/web/ui") + ".json", "./tree/groups/_all.ndjson"}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("entries\n got %v\nwant %v", names, want)
	}
	if got := string(files["./VERSION"]); got != "0.2.4" {
		t.Errorf("VERSION %q", got)
	}
	// The exported group, then its descendants by depth (GitLab's
	// base_and_descendants ordered by depth), one id a line as the fixture.
	wantAll := id("acme") + "\n" + id("acme/web") + "\n" + id("acme/api") + "\n" + id("acme/web/ui") + "\n"
	if got := string(files["./tree/groups/_all.ndjson"]); got != wantAll {
		t.Errorf("_all.ndjson %q, want %q", got, wantAll)
	}
	fixtureAll, err := os.ReadFile("testdata/group_exports/complex/tree/groups/_all.ndjson")
	idLines := regexp.MustCompile(`^([0-9]+\n)+$`)
	if err != nil || !idLines.Match(fixtureAll) || !idLines.Match(files["./tree/groups/_all.ndjson"]) {
		t.Errorf("_all.ndjson: %q, GitLab's %q (%v)", files["./tree/groups/_all.ndjson"], fixtureAll, err)
	}
	checkGroupAttributes(t, s, files)
	checkGroupRelations(t, s, files)
}

// checkGroupAttributes checks tree/groups/<id>.json: the namespace's own
// values over the imported ones, GitLab's defaults for the rest, and
// nothing GitLab's exporter leaves out.
func checkGroupAttributes(t *testing.T, s *groupExportEnv, files map[string][]byte) {
	t.Helper()
	fixture, err := os.ReadFile("testdata/group_exports/complex/tree/groups/4352.json")
	if err != nil {
		t.Fatal(err)
	}
	excluded := []string{"owner_id", "created_at", "updated_at", "runners_token", "runners_token_encrypted",
		"saml_discovery_token", "trial_ends_on", "extra_shared_runners_minutes_limit", "repository_size_limit", "max_pages_size"}
	fixtureKeys := sortedKeys(decode(t, string(fixture)))
	for _, g := range []string{"acme", "acme/web", "acme/api", "acme/web/ui"} {
		attrs := decode(t, string(files["./tree/groups/"+itoa(s.ids[g])+".json"]))
		for _, k := range sortedKeys(attrs) {
			if slices.Contains(excluded, k) || strings.Contains(k, "token") {
				t.Errorf("%s.json has %s", g, k)
			}
		}
		for _, k := range fixtureKeys { // every attribute GitLab's fixture has that its exporter keeps
			if _, ok := attrs[k]; !ok && !slices.Contains(excluded, k) {
				t.Errorf("%s.json lacks %s", g, k)
			}
		}
		parent := any(nil)
		if g != "acme" {
			parent = float64(s.ids[filepath.Dir(g)])
		}
		if attrs["id"] != float64(s.ids[g]) || attrs["path"] != filepath.Base(g) || attrs["parent_id"] != parent ||
			attrs["visibility_level"] != 0.0 || attrs["description"] != "about "+filepath.Base(g) {
			t.Errorf("%s.json %v", g, attrs)
		}
	}
	acme := decode(t, string(files["./tree/groups/"+itoa(s.ids["acme"])+".json"]))
	if acme["name"] != "ACME" || acme["membership_lock"] != true || acme["two_factor_grace_period"] != 12.0 {
		t.Errorf("imported attributes under Ferry's: %v", acme)
	}
	web := decode(t, string(files["./tree/groups/"+itoa(s.ids["acme/web"])+".json"]))
	if web["membership_lock"] != false || web["two_factor_grace_period"] != 48.0 || web["request_access_enabled"] != true {
		t.Errorf("GitLab's defaults: %v", web)
	}
}

// checkGroupRelations checks the relation files: each record's id is its
// API id (the row id), group_id its group's, a board's lists point at it
// and at the labels of their titles, members come from Ferry's
// memberships with GitLab's record shape.
func checkGroupRelations(t *testing.T, s *groupExportEnv, files map[string][]byte) {
	t.Helper()
	file := func(g, rel string) []map[string]any {
		return ndjson(t, files["./tree/groups/"+itoa(s.ids[g])+"/"+rel+".ndjson"])
	}
	labels := file("acme", "labels")
	if len(labels) != 2 || labels[0]["id"] != float64(s.rows["acme/labels/bug"]) || labels[0]["title"] != "bug" ||
		labels[0]["group_id"] != float64(s.ids["acme"]) || labels[0]["type"] != "GroupLabel" || labels[0]["description"] != "Broken" ||
		labels[1]["id"] != float64(s.rows["acme/labels/feature"]) {
		t.Errorf("labels %v", labels)
	}
	badges := file("acme", "badges")
	if len(badges) != 1 || badges[0]["id"] != float64(s.rows["acme/badges/ci"]) || badges[0]["type"] != "GroupBadge" ||
		badges[0]["group_id"] != float64(s.ids["acme"]) {
		t.Errorf("badges %v", badges)
	}
	milestones := file("acme/web", "milestones")
	if len(milestones) != 1 || milestones[0]["id"] != float64(s.rows["acme/web/milestones/v1"]) || milestones[0]["iid"] != 1.0 ||
		milestones[0]["group_id"] != float64(s.ids["acme/web"]) {
		t.Errorf("milestones %v", milestones)
	}
	boards := file("acme/web", "boards")
	board := float64(s.rows["acme/web/boards/Dev"])
	if len(boards) != 1 || boards[0]["id"] != board || boards[0]["group_id"] != float64(s.ids["acme/web"]) {
		t.Fatalf("boards %v", boards)
	}
	lists := boards[0]["lists"].([]any)
	for i, want := range []struct {
		label, group string
	}{{"acme/labels/bug", "acme"}, {"acme/web/labels/frontend", "acme/web"}, {"", ""}} {
		list := lists[i].(map[string]any)
		if list["board_id"] != board || list["list_type"] == nil {
			t.Errorf("list %d %v", i, list)
		}
		if want.label == "" {
			continue
		}
		label := list["label"].(map[string]any)
		if list["label_id"] != float64(s.rows[want.label]) || label["id"] != float64(s.rows[want.label]) ||
			label["group_id"] != float64(s.ids[want.group]) {
			t.Errorf("list %d label %v", i, list)
		}
	}
	if _, ok := files["./tree/groups/"+itoa(s.ids["acme"])+"/epics.ndjson"]; ok {
		t.Error("epics written: GitLab's FOSS group exporter has none")
	}
	if got := string(files["./tree/groups/"+itoa(s.ids["acme"])+"/namespace_settings.ndjson"]); got !=
		`{"prevent_sharing_groups_outside_hierarchy":false}`+"\n" {
		t.Errorf("namespace_settings %q", got)
	}
	checkGroupMembers(t, s, file("acme", "members"), file("acme/web", "members"))
}

func checkGroupMembers(t *testing.T, s *groupExportEnv, acme, web []map[string]any) {
	t.Helper()
	fixture, err := os.ReadFile("testdata/gitlab_group_export/tree/groups/4352/members.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	want := ndjson(t, fixture)[0]
	levels := map[string]float64{}
	for _, m := range acme {
		if got := strings.Join(sortedKeys(m), ","); got != strings.Join(sortedKeys(want), ",") {
			t.Errorf("member keys %s, want GitLab's %s", got, strings.Join(sortedKeys(want), ","))
		}
		user := m["user"].(map[string]any)
		if strings.Join(sortedKeys(user), ",") != "id,public_email,username" || m["source_id"] != float64(s.ids["acme"]) ||
			m["source_type"] != "Namespace" || m["user_id"] != user["id"] {
			t.Errorf("member %v", m)
		}
		if user["public_email"] != "" {
			t.Errorf("an Owner's export shows %v's private email", user)
		}
		levels[user["username"].(string)] = m["access_level"].(float64)
	}
	for name, level := range map[string]float64{"root": 50, "olga": 50, "gus": 10, "mia": 40} {
		if levels[name] != level {
			t.Errorf("acme members %v, want %s at %v", levels, name, level)
		}
	}
	// Direct members only: root made the group, wes was added to it.
	if len(web) != 2 || web[0]["user"].(map[string]any)["username"] != "root" ||
		web[1]["user"].(map[string]any)["username"] != "wes" || web[1]["access_level"] != 30.0 {
		t.Errorf("acme/web members: %v", web)
	}
}

// TestGroupExport_Access pins who may export and download: GitLab's
// find_group! (404 for a group one cannot see) then authorize!
// :admin_group (403 below Owner).
func TestGroupExport_Access(t *testing.T) {
	t.Parallel()
	s := setupGroupExport(t, servertest.Options{NoWork: true})
	setAdmin(t, s.env, &gitlab.UpdateSettingsOptions{GroupDownloadExportLimit: gitlab.Ptr(int64(0))})
	notFound, forbidden := `{"message":"404 Group Not Found"}`, `{"message":"403 Forbidden"}`
	none := `{"message":"404 Not found or has expired"}`
	var cases []apiCase
	for _, route := range []struct{ method, suffix string }{{"POST", "/export"}, {"GET", "/export/download"}} {
		p := s.path("acme", route.suffix)
		cases = append(cases,
			apiCase{route.method + route.suffix + "/Anonymous", route.method, p, "", "", "", 404, notFound},
			apiCase{route.method + route.suffix + "/Missing", route.method, "/api/v4/groups/nope" + route.suffix, servertest.RootToken, "", "", 404, notFound},
			apiCase{route.method + route.suffix + "/Guest", route.method, p, s.tokens["gus"], "", "", 403, forbidden},
			apiCase{route.method + route.suffix + "/Maintainer", route.method, p, s.tokens["mia"], "", "", 403, forbidden},
			apiCase{route.method + route.suffix + "/DeveloperOfSubgroup", route.method, s.path("acme/web", route.suffix),
				s.tokens["wes"], "", "", 403, forbidden})
	}
	cases = append(cases,
		apiCase{"DownloadNone", "GET", s.path("acme", "/export/download"), s.tokens["olga"], "", "", 404, none},
		apiCase{"StatusGuest", "GET", "/api/v4/ferry/groups/" + itoa(s.ids["acme"]) + "/export", s.tokens["gus"], "", "", 403, forbidden},
		apiCase{"Owner", "POST", s.path("acme", "/export"), s.tokens["olga"], "", "", 202, `{"message":"202 Accepted"}`},
		apiCase{"OwnerOfAncestor", "POST", s.path("acme/web/ui", "/export"), s.tokens["olga"], "", "", 202, `{"message":"202 Accepted"}`},
		apiCase{"Admin", "POST", "/api/v4/groups/acme%2Fweb/export", servertest.RootToken, "", "", 202, `{"message":"202 Accepted"}`},
		// No worker runs: the export waits, and its file is not there yet.
		apiCase{"DownloadWhileQueued", "GET", s.path("acme", "/export/download"), s.tokens["olga"], "", "", 404,
			`{"message":"The group export file is not available yet"}`},
		// Each user has their own export: root's is not olga's.
		apiCase{"DownloadOthersExport", "GET", s.path("acme", "/export/download"), servertest.RootToken, "", "", 404, none},
	)
	checkCalls(t, s.env, cases)
	st := s.waitStatus(t, "acme", "olga", "queued")
	if st["finished_at"] != nil || st["created_at"] == nil || st["_links"] != nil {
		t.Errorf("queued status %v", st)
	}
	if st := s.waitStatus(t, "acme", "root", "none"); st["created_at"] != nil {
		t.Errorf("status without export %v", st)
	}
}

// TestGroupExport_RateLimits pins group_export (per user) and
// group_download_export (per user and group) with the project exports'
// 429 answer.
func TestGroupExport_RateLimits(t *testing.T) {
	t.Parallel()
	s := setupGroupExport(t, servertest.Options{})
	setAdmin(t, s.env, &gitlab.UpdateSettingsOptions{GroupExportLimit: gitlab.Ptr(int64(2))})
	tooMany := `{"message":{"error":"This endpoint has been requested too many times. Try again later."}}`
	s.export(t, "acme", "olga", "finished")
	if status, body, _ := call(t, s.env, "POST", s.path("acme/web", "/export"), s.tokens["olga"], "", ""); status != 202 {
		t.Fatalf("second export: %d %s", status, body)
	}
	status, body, hdr := call(t, s.env, "POST", s.path("acme/api", "/export"), s.tokens["olga"], "", "")
	if status != 429 || body != tooMany || hdr.Get("Retry-After") == "" {
		t.Errorf("third export in the minute: %d %s %v", status, body, hdr)
	}
	if status, _, _ := call(t, s.env, "POST", s.path("acme/api", "/export"), servertest.RootToken, "", ""); status != 202 {
		t.Errorf("another user's export: %d", status)
	}
	if status, _, _ := call(t, s.env, "GET", s.path("acme", "/export/download"), s.tokens["olga"], "", ""); status != 200 {
		t.Fatalf("first download: %d", status)
	}
	if status, body, _ := call(t, s.env, "GET", s.path("acme", "/export/download"), s.tokens["olga"], "", ""); status != 429 || body != tooMany {
		t.Errorf("second download in the minute: %d %s", status, body)
	}
}

// TestGroupExport_RangeAndExpiry pins Range downloads (as the project
// download) and that an expired file answers 404 Not found or has expired
// until the cleanup removes it.
func TestGroupExport_RangeAndExpiry(t *testing.T) {
	t.Parallel()
	s := setupGroupExport(t, servertest.Options{})
	setAdmin(t, s.env, &gitlab.UpdateSettingsOptions{GroupDownloadExportLimit: gitlab.Ptr(int64(0))})
	s.export(t, "acme", "root", "finished")
	_, full, _ := call(t, s.env, "GET", s.path("acme", "/export/download"), servertest.RootToken, "", "")
	// An administrator's export gives members' e-mails as public_email.
	for _, m := range ndjson(t, untar(t, []byte(full))["./tree/groups/"+itoa(s.ids["acme"])+"/members.ndjson"]) {
		if user := m["user"].(map[string]any); user["public_email"] == "" {
			t.Errorf("an administrator's export lacks %v's e-mail", user["username"])
		}
	}
	req := s.path("acme", "/export/download")
	status, part, hdr := callRange(t, s.env, req, "bytes=0-9")
	if status != 206 || part != full[:10] || hdr.Get("Content-Range") != "bytes 0-9/"+itoa(int64(len(full))) {
		t.Errorf("range: %d %q %v", status, part, hdr)
	}
	ctx, db := context.Background(), s.env.Server.DB
	exports, err := db.GroupExports(ctx, s.ids["acme"], 1)
	if err != nil || len(exports) != 1 {
		t.Fatalf("exports %v %v", exports, err)
	}
	e := exports[0]
	past := time.Now().Add(-time.Minute)
	e.ExpiresAt = &past
	if err := db.UpdateGroupExport(ctx, &e); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, s.env, []apiCase{{"Expired", "GET", req, servertest.RootToken, "", "", 404,
		`{"message":"404 Not found or has expired"}`}})
	if e.Status != ferry.ExportFinished {
		t.Errorf("status %s", e.Status)
	}
}

// callRange is a GET with a Range header.
func callRange(t *testing.T, env *servertest.Env, path, rng string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest("GET", env.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("PRIVATE-TOKEN", servertest.RootToken)
	req.Header.Set("Range", rng)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestGroupExport_PythonGitlab exports a group with python-gitlab 3.12
// (group.exports.create, then export.download streamed), waiting on
// Ferry's status route.
func TestGroupExport_PythonGitlab(t *testing.T) {
	t.Parallel()
	python := needPythonGitlab(t)
	s := setupGroupExport(t, servertest.Options{})
	out := filepath.Join(t.TempDir(), "group.tar.gz")
	cmd := exec.Command(python, "testdata/python_gitlab_group_export.py", s.env.URL, servertest.RootToken, "acme", out)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python-gitlab: %v\n%s", err, b)
	}
	var seen struct {
		Create       string   `json:"create"`
		ExportStatus string   `json:"export_status"`
		All          []string `json:"all"`
		HasGroupJSON bool     `json:"has_group_json"`
	}
	if err := json.Unmarshal(b, &seen); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	want := []string{itoa(s.ids["acme"]), itoa(s.ids["acme/web"]), itoa(s.ids["acme/api"]), itoa(s.ids["acme/web/ui"])}
	if seen.Create != "202 Accepted" || seen.ExportStatus != "finished" || !slices.Equal(seen.All, want) || !seen.HasGroupJSON {
		t.Errorf("python-gitlab saw %s", b)
	}
}

// TestGroupExport_GroupRemovedWithItsFiles pins that removing a group for
// good (permanently_remove after DELETE marked it) removes its export
// archives and their records with it.
func TestGroupExport_GroupRemovedWithItsFiles(t *testing.T) {
	t.Parallel()
	s := setupGroupExport(t, servertest.Options{})
	s.export(t, "acme/web", "olga", "finished")
	ctx, db := context.Background(), s.env.Server.DB
	exports, err := db.GroupExports(ctx, s.ids["acme/web"], s.users["olga"].ID)
	if err != nil || len(exports) != 1 {
		t.Fatalf("exports %v %v", exports, err)
	}
	obj, err := s.env.Server.Blobs.Open(ctx, exports[0].FileKey)
	if err != nil {
		t.Fatal(err)
	}
	obj.Close()
	web := s.path("acme/web", "")
	marked := "acme/web-deletion_scheduled-" + itoa(s.ids["acme/web"])
	checkCalls(t, s.env, []apiCase{
		{"Mark", "DELETE", web, s.tokens["olga"], "", "", 202, `{"message":"202 Accepted"}`},
		{"Remove", "DELETE", web + "?permanently_remove=true&full_path=" + marked, s.tokens["olga"], "", "", 202,
			`{"message":"202 Accepted"}`},
	})
	if _, err := s.env.Server.Blobs.Open(ctx, exports[0].FileKey); err == nil {
		t.Error("the removed group's export archive is still stored")
	}
	if _, err := db.GroupExportByID(ctx, exports[0].ID); err == nil {
		t.Error("the removed group's export record is still there")
	}
}

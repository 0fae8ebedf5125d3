package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/server/servertest"
	"github.com/ferryhq/ferry/internal/store"
)

// fixtureDir is GitLab's complex fixture tree, kept in the repository's
// testdata (see testdata/gitlab/NOTICE).
func fixtureDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "testdata", "gitlab", "complex")
	if _, err := os.Stat(filepath.Join(dir, "tree", "project.json")); err != nil {
		t.Fatalf("GitLab fixture missing at %s: %v", dir, err)
	}
	return dir
}

// sourceRepo makes a repository with two branches and a tag and returns
// its bundle and its refs.
func sourceRepo(t *testing.T) (bundle []byte, refs string) {
	t.Helper()
	dir := t.TempDir()
	for _, args := range [][]string{{"init", "-q", "-b", "master"}, {"commit", "-q", "--allow-empty", "-m", "one"},
		{"tag", "v1.0"}, {"checkout", "-q", "-b", "feature"}, {"commit", "-q", "--allow-empty", "-m", "two"},
		{"checkout", "-q", "master"}, {"bundle", "create", "-q", "project.bundle", "--all"}} {
		if out, err := git(t, dir, args...); err != nil {
			t.Fatalf("git %v: %s", args, out)
		}
	}
	refs, _ = git(t, dir, "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads", "refs/tags")
	b, err := os.ReadFile(filepath.Join(dir, "project.bundle"))
	if err != nil {
		t.Fatal(err)
	}
	return b, refs
}

// fixtureArchive packs the fixture tree with VERSION and extra entries
// into a .tar.gz, as GitLab would; an extra entry at a fixture file's path
// replaces it.
func fixtureArchive(t *testing.T, version string, extra map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	aw := archive.NewWriter(&buf)
	if err := aw.AddBytes("VERSION", []byte(version)); err != nil {
		t.Fatal(err)
	}
	root := fixtureDir(t)
	err := filepath.WalkDir(filepath.Join(root, "tree"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if _, replaced := extra[rel]; replaced {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return aw.AddBytes(rel, b)
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range extra {
		if err := aw.AddBytes(name, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fixtureCounts counts the records of each fixture relation.
func fixtureCounts(t *testing.T) map[string]int64 {
	t.Helper()
	counts := map[string]int64{}
	dir := filepath.Join(fixtureDir(t), "tree", "project")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		for _, line := range strings.Split(string(b), "\n") {
			if strings.TrimSpace(line) != "" {
				counts[strings.TrimSuffix(e.Name(), ".ndjson")]++
			}
		}
	}
	return counts
}

// importArchive posts data to /projects/import as a multipart upload.
func importArchive(t *testing.T, env *servertest.Env, token, filename string, data []byte, fields map[string]string) (int, string) {
	t.Helper()
	return postArchive(t, env, "/api/v4/projects/import", token, filename, data, fields)
}

// postArchive posts data to path as the multipart file of an upload.
func postArchive(t *testing.T, env *servertest.Env, path, token, filename string, data []byte, fields map[string]string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(data)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", env.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("PRIVATE-TOKEN", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// importFinished imports data as root, waits for the import to end and
// returns the project's id, failing t unless the import finished.
func importFinished(t *testing.T, env *servertest.Env, data []byte, fields map[string]string) int64 {
	t.Helper()
	status, body := importArchive(t, env, servertest.RootToken, "a.tar.gz", data, fields)
	if status != 201 {
		t.Fatalf("import: %d %s", status, body)
	}
	id := projectID(t, body)
	if st := waitImport(t, env, servertest.RootToken, id); st.ImportStatus != "finished" {
		t.Fatalf("import %d: %s %v", id, st.ImportStatus, deref(st.ImportError))
	}
	return id
}

// importStatus is the raw GET /projects/:id/import answer.
type importStatus struct {
	ID              int64   `json:"id"`
	PathWithNS      string  `json:"path_with_namespace"`
	ImportStatus    string  `json:"import_status"`
	ImportType      string  `json:"import_type"`
	CorrelationID   string  `json:"correlation_id"`
	ImportError     *string `json:"import_error"`
	FailedRelations []struct {
		ExceptionClass   string  `json:"exception_class"`
		ExceptionMessage *string `json:"exception_message"`
		RelationName     string  `json:"relation_name"`
		LineNumber       int     `json:"line_number"`
	} `json:"failed_relations"`
	Stats *struct {
		Fetched  map[string]int64 `json:"fetched"`
		Imported map[string]int64 `json:"imported"`
	} `json:"stats"`
}

// importDeadline bounds waitImport. It only catches an import that
// never ends: an import's git runs at a lower priority and yields to the
// other packages' tests on a busy CI machine (80 MB took over 70 s there).
const importDeadline = 4 * time.Minute

// waitImport polls until the import ends.
func waitImport(t *testing.T, env *servertest.Env, token string, id int64) importStatus {
	t.Helper()
	var st importStatus
	for deadline := time.Now().Add(importDeadline); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		_, body, _ := call(t, env, "GET", "/api/v4/projects/"+itoa(id)+"/import", token, "", "")
		st = importStatus{}
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if st.ImportStatus == "finished" || st.ImportStatus == "failed" {
			return st
		}
	}
	t.Fatalf("import of %d never ended: %+v", id, st)
	return st
}

func projectID(t *testing.T, body string) int64 {
	t.Helper()
	var m struct{ ID int64 }
	if err := json.Unmarshal([]byte(body), &m); err != nil || m.ID == 0 {
		t.Fatalf("import answer %s", body)
	}
	return m.ID
}

func TestProjectImport_GitLabFixture(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	// A local user with the public email of the fixture's member 16.
	bernard := newBernard(t, env)
	bundle, refs := sourceRepo(t)
	data := fixtureArchive(t, "0.2.4", map[string][]byte{"project.bundle": bundle,
		"uploads/0123456789abcdef0123456789abcdef/screen.png": []byte("png")})

	// The Go client's ImportFromFile, as a migration tool would call it.
	st, resp, err := env.Root.ProjectImportExport.ImportFromFile(bytes.NewReader(data), &gitlab.ImportFileOptions{
		Path: gitlab.Ptr("imported"), Name: gitlab.Ptr("Imported"),
		OverrideParams: &gitlab.CreateProjectOptions{Visibility: gitlab.Ptr(gitlab.InternalVisibility)}})
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("import: %v", err)
	}
	if st.ImportStatus != "scheduled" || st.ImportType != "gitlab_project" || st.PathWithNamespace != "root/imported" ||
		st.CorrelationID == "" {
		t.Errorf("scheduled answer %+v", st)
	}
	got := waitImport(t, env, servertest.RootToken, st.ID)
	if got.ImportStatus != "finished" || got.ImportError != nil {
		t.Fatalf("import ended %s: %v", got.ImportStatus, got.ImportError)
	}
	failed := map[string]int64{}
	for _, f := range got.FailedRelations {
		failed[f.RelationName]++
		if f.ExceptionMessage == nil || *f.ExceptionMessage == "" {
			t.Errorf("failed relation without a message: %+v", f)
		}
	}
	for rel, n := range fixtureCounts(t) {
		if got.Stats.Fetched[rel] != n || got.Stats.Imported[rel]+failed[rel] != n {
			t.Errorf("%s: fetched %d imported %d failed %d, fixture has %d", rel, got.Stats.Fetched[rel],
				got.Stats.Imported[rel], failed[rel], n)
		}
	}
	for _, rel := range []string{"issues", "merge_requests", "labels", "milestones", "ci_pipelines", "releases"} {
		if got.Stats.Imported[rel] == 0 {
			t.Errorf("no %s imported", rel)
		}
	}
	p, _, err := env.Root.Projects.GetProject(st.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Visibility != gitlab.InternalVisibility || p.Description != "Nisi et repellendus ut enim quo accusamus vel magnam." ||
		p.DefaultBranch != "master" || p.ImportStatus != "finished" {
		t.Errorf("project %s %q branch %q import %s", p.Visibility, p.Description, p.DefaultBranch, p.ImportStatus)
	}
	// GitLab's fixture has 6 open issues out of 12, all of them restored.
	if p.OpenIssuesCount != 6 {
		t.Errorf("open_issues_count %d, want 6", p.OpenIssuesCount)
	}
	clone := filepath.Join(t.TempDir(), "c.git")
	url := "http://oauth2:" + servertest.RootToken + "@" + strings.TrimPrefix(env.URL, "http://") + "/root/imported.git"
	if out, err := git(t, t.TempDir(), "clone", "-q", "--mirror", url, clone); err != nil {
		t.Fatal(out)
	}
	if cloned, _ := git(t, clone, "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads", "refs/tags"); cloned != refs {
		t.Errorf("cloned refs\n%s\nwant\n%s", cloned, refs)
	}
	checkStoredIssue(t, env, st.ID)
	checkMappedUsers(t, env, st.ID, bernard.ID)
	checkCatalogue(t, env, st.ID, fixtureCatalogue)
}

// checkMappedUsers checks that the fixture's member 16 became bernard (a
// Maintainer, the author of two issues) and every other user the importer.
func checkMappedUsers(t *testing.T, env *servertest.Env, projectID, bernard int64) {
	t.Helper()
	members, _, err := env.Root.ProjectMembers.ListProjectMembers(projectID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 1 || members[0].ID != bernard || members[0].AccessLevel != gitlab.MaintainerPermissions {
		t.Errorf("project members %+v, want bernard as Maintainer", members)
	}
	authors := map[float64]int{}
	env.Server.DB.EachRelationRecord(t.Context(), projectID, "issues", func(data []byte) error {
		var issue struct {
			AuthorID float64 `json:"author_id"`
		}
		json.Unmarshal(data, &issue)
		authors[issue.AuthorID]++
		return nil
	})
	if len(authors) != 2 || authors[float64(bernard)] != 2 || authors[1] != 10 {
		t.Errorf("issue authors %v, want bernard twice and root (the importer) for the rest", authors)
	}
}

// checkStoredIssue checks one fixture issue kept its attributes and
// nested records, and lost its ids.
func checkStoredIssue(t *testing.T, env *servertest.Env, projectID int64) {
	t.Helper()
	var found bool
	err := env.Server.DB.EachRelationRecord(t.Context(), projectID, "issues", func(data []byte) error {
		var issue map[string]any
		if err := json.Unmarshal(data, &issue); err != nil {
			return err
		}
		if _, ok := issue["id"]; ok {
			t.Errorf("stored issue keeps the archive's id")
		}
		if issue["project_id"] != float64(projectID) {
			t.Errorf("stored issue project_id %v, want %d", issue["project_id"], projectID)
		}
		if issue["iid"] == float64(10) {
			found = true
			notes, _ := issue["notes"].([]any)
			if issue["title"] == nil || len(notes) == 0 {
				t.Errorf("issue 10 lost its title or notes: %v", issue["title"])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Error("issue iid 10 not stored")
	}
}

func TestProjectImport_Errors(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	_, _, devToken := newUser(t, env, "dev")
	g, _, err := env.Root.Groups.CreateGroup(&gitlab.CreateGroupOptions{Name: gitlab.Ptr("G"), Path: gitlab.Ptr("g")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Root.GroupMembers.AddGroupMember(g.ID, &gitlab.AddGroupMemberOptions{
		UserID: gitlab.Ptr(int64(2)), AccessLevel: gitlab.Ptr(gitlab.DeveloperPermissions)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("taken")}); err != nil {
		t.Fatal(err)
	}
	data := fixtureArchive(t, "0.2.4", nil)
	root := servertest.RootToken
	for _, tt := range []struct {
		name, token, filename string
		fields                map[string]string
		wantStatus            int
		wantBody              string
	}{
		{"NoToken", "", "a.tar.gz", map[string]string{"path": "x"}, 401, `{"message":"401 Unauthorized"}`},
		{"NoPath", root, "a.tar.gz", nil, 400, `{"error":"path is missing"}`},
		{"NotGz", root, "a.zip", map[string]string{"path": "x"}, 422,
			`{"message":{"error":"You need to upload a GitLab project export archive (ending in .gz)."}}`},
		{"UnknownNamespace", root, "a.tar.gz", map[string]string{"path": "x", "namespace": "nope"}, 404,
			`{"message":"404 Namespace Not Found"}`},
		{"DeveloperInGroup", devToken, "a.tar.gz", map[string]string{"path": "x", "namespace": "g"}, 400,
			`{"message":"Namespace is not valid"}`},
		{"Taken", root, "a.tar.gz", map[string]string{"path": "taken"}, 400, `{"message":"Name has already been taken"}`},
		{"BadOverwrite", root, "a.tar.gz", map[string]string{"path": "x", "overwrite": "perhaps"}, 400,
			`{"error":"overwrite is invalid"}`},
		{"BadOverride", root, "a.tar.gz", map[string]string{"path": "x", "override_params[visibility]": "secret"}, 400,
			`{"error":"override_params[visibility] does not have a valid value"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := importArchive(t, env, tt.token, tt.filename, data, tt.fields)
			if status != tt.wantStatus || body != tt.wantBody {
				t.Errorf("got %d %s, want %d %s", status, body, tt.wantStatus, tt.wantBody)
			}
		})
	}
	t.Run("NoFile", func(t *testing.T) {
		status, body, _ := call(t, env, "POST", "/api/v4/projects/import?path=x", root, "", "")
		if status != 400 || body != `{"error":"file is missing"}` {
			t.Errorf("got %d %s", status, body)
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		setAdmin(t, env, &gitlab.UpdateSettingsOptions{MaxImportSize: gitlab.Ptr(int64(1))})
		defer setAdmin(t, env, &gitlab.UpdateSettingsOptions{MaxImportSize: gitlab.Ptr(int64(0))})
		status, body := importArchive(t, env, root, "big.tar.gz", bytes.Repeat([]byte("x"), 3<<20), map[string]string{"path": "big"})
		if status != 413 || body != "Request Entity Too Large" {
			t.Errorf("got %d %s", status, body)
		}
		left, _ := filepath.Glob(filepath.Join(env.DataDir, "blobs", "imports", "*"))
		tmp, _ := filepath.Glob(filepath.Join(env.DataDir, "blobs", ".tmp", "*", "blob-*"))
		if len(left)+len(tmp) != 0 {
			t.Errorf("oversize upload left files: %v %v", left, tmp)
		}
	})
	t.Run("SourceDisabled", func(t *testing.T) {
		setAdmin(t, env, &gitlab.UpdateSettingsOptions{ImportSources: &[]string{"github"}})
		defer setAdmin(t, env, &gitlab.UpdateSettingsOptions{ImportSources: &[]string{"gitlab_project"}})
		status, body := importArchive(t, env, root, "a.tar.gz", data, map[string]string{"path": "x"})
		if status != 403 || body != `{"message":"403 Forbidden"}` {
			t.Errorf("got %d %s", status, body)
		}
	})
	ps, _, _ := env.Root.Projects.ListProjects(nil)
	if len(ps) != 1 {
		t.Errorf("%d projects after refused imports, want 1", len(ps))
	}
}

func TestProjectImport_Overwrite(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0))})
	old, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("proj"),
		InitializeWithReadme: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	// A failing overwrite leaves the old project as it was, and removes
	// its temporary project.
	status, body := importArchive(t, env, servertest.RootToken, "a.tar.gz", fixtureArchive(t, "9.9.9", nil),
		map[string]string{"path": "proj", "overwrite": "True"})
	if status != 201 || !strings.Contains(body, `"path":"proj-`) || !strings.Contains(body, `"name":"proj",`) ||
		!strings.Contains(body, `"name_with_namespace":"Administrator / proj",`) {
		t.Fatalf("overwrite answer %d %s", status, body)
	}
	waitProjectGone(t, env, projectID(t, body))
	wantDroppedImport(t, env, servertest.RootToken, "", projectID(t, body), "")
	if p, _, err := env.Root.Projects.GetProject("root/proj", nil); err != nil || p.ID != old.ID {
		t.Fatalf("old project after a failed overwrite: %v %v", p, err)
	}
	bundle, refs := sourceRepo(t)
	status, body = importArchive(t, env, servertest.RootToken, "a.tar.gz",
		fixtureArchive(t, "0.2.4", map[string][]byte{"project.bundle": bundle}), map[string]string{"path": "proj", "overwrite": "true"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	newID := projectID(t, body)
	if st := waitImport(t, env, servertest.RootToken, newID); st.ImportStatus != "finished" {
		t.Fatalf("overwrite import %s %v", st.ImportStatus, deref(st.ImportError))
	}
	p, _, err := env.Root.Projects.GetProject("root/proj", nil)
	if err != nil || p.ID != newID || p.Name != "proj" {
		t.Fatalf("root/proj after overwrite: %+v %v", p, err)
	}
	if _, resp, _ := env.Root.Projects.GetProject(old.ID, nil); statusOf(resp) != 404 {
		t.Errorf("old project still there: %d", statusOf(resp))
	}
	got, _ := git(t, ".", "--git-dir="+env.Server.Repos.Dir(newID), "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads", "refs/tags")
	if got != refs {
		t.Errorf("refs %s want %s", got, refs)
	}
	// Once finished, the import counts the reachable objects for the
	// first export.
	waitCreated(t, filepath.Join(env.Server.Repos.Dir(newID), "ferry-reachable"))
}

// TestProjectImport_RetryStartsClean pins that an attempt after a crash
// does not duplicate what an earlier attempt stored.
func TestProjectImport_RetryStartsClean(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	first := servertest.StartWith(t, servertest.Options{DataDir: data, NoWork: true})
	status, body := importArchive(t, first, servertest.RootToken, "a.tar.gz", fixtureArchive(t, "0.2.4", nil),
		map[string]string{"path": "resumed"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	id := projectID(t, body)
	// What a killed attempt leaves: records, a started import and, on the
	// embedded store, a job that was running.
	if err := first.Server.DB.InsertRelationRecords(t.Context(), id, "issues", 0, []string{`{"title":"half"}`}); err != nil {
		t.Fatal(err)
	}
	if err := first.Server.DB.InsertIssuables(t.Context(), []store.Issuable{{ProjectID: id, Kind: store.IssueKind, IID: 1,
		State: "opened", Title: "half", CreatedAt: "2016-01-01T00:00:00.000Z", UpdatedAt: "2016-01-01T00:00:00.000Z"}}); err != nil {
		t.Fatal(err)
	}
	im, _ := first.Server.DB.ImportOf(t.Context(), id)
	im.Status = "started"
	first.Server.DB.UpdateImport(t.Context(), &im)
	if first.Server.DB.Dialect() == store.SQLite {
		if _, err := first.Server.DB.SQL().Exec(`UPDATE river_job SET state = 'running', attempt = 1 WHERE kind = 'project_import'`); err != nil {
			t.Fatal(err)
		}
	}
	first.Server.Shutdown(t.Context())
	second := servertest.StartWith(t, servertest.Options{DataDir: data, DatabaseURL: first.DatabaseURL})
	st := waitImport(t, second, servertest.RootToken, id)
	if st.ImportStatus != "finished" {
		t.Fatalf("resumed import %s %v", st.ImportStatus, deref(st.ImportError))
	}
	var n int64
	second.Server.DB.EachRelationRecord(t.Context(), id, "issues", func([]byte) error { n++; return nil })
	if want := fixtureCounts(t)["issues"]; n+failedCount(st, "issues") != want {
		t.Errorf("%d issues stored after the retry, want %d", n, want)
	}
	if _, resp, err := second.Root.Issues.ListProjectIssues(id, nil); err != nil || resp.TotalItems != n {
		t.Errorf("%d issues listed after the retry, want %d: %v", resp.TotalItems, n, err)
	}
}

func failedCount(st importStatus, rel string) int64 {
	var n int64
	for _, f := range st.FailedRelations {
		if f.RelationName == rel {
			n++
		}
	}
	return n
}

func TestProjectImport_FailedRelations(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	var buf bytes.Buffer
	aw := archive.NewWriter(&buf)
	aw.AddBytes("VERSION", []byte("0.2.4\n"))
	aw.AddBytes("tree/project.json", []byte(`{"description":"small"}`))
	aw.AddBytes("tree/project/issues.ndjson", []byte(`{"iid":1,"title":"one"}`+"\n"+`{"iid":2,"title":""}`+"\n"+`{"iid":3,"title":"three"}`))
	aw.AddBytes("tree/project/labels.ndjson", []byte(`{"title":"bug","color":"#ff0000","id":7,"project_id":99,"token":"s3cr3t"}`+"\n"))
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	status, body := importArchive(t, env, servertest.RootToken, "small.tar.gz", buf.Bytes(), map[string]string{"path": "small"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	id := projectID(t, body)
	st := waitImport(t, env, servertest.RootToken, id)
	if st.ImportStatus != "finished" || len(st.FailedRelations) != 1 {
		t.Fatalf("status %s failed %+v", st.ImportStatus, st.FailedRelations)
	}
	f := st.FailedRelations[0]
	if f.RelationName != "issues" || f.LineNumber != 1 || f.ExceptionClass != "ActiveRecord::RecordInvalid" ||
		deref(f.ExceptionMessage) != "Validation failed: Title can't be blank" {
		t.Errorf("failed relation %+v %s", f, deref(f.ExceptionMessage))
	}
	if st.Stats.Fetched["issues"] != 3 || st.Stats.Imported["issues"] != 2 || st.Stats.Imported["labels"] != 1 {
		t.Errorf("stats %+v", st.Stats)
	}
	env.Server.DB.EachRelationRecord(t.Context(), id, "labels", func(data []byte) error {
		if got := string(data); got != `{"color":"#ff0000","project_id":`+itoa(id)+`,"title":"bug","type":"ProjectLabel"}` {
			t.Errorf("stored label %s: ids and secrets must go, project_id must be the new project, a project label", got)
		}
		return nil
	})
	// A reporter sees the status without the messages.
	_, _, repToken := newUser(t, env, "rep")
	if _, _, err := env.Root.ProjectMembers.AddProjectMember(id, &gitlab.AddProjectMemberOptions{UserID: 2,
		AccessLevel: gitlab.Ptr(gitlab.ReporterPermissions)}); err != nil {
		t.Fatal(err)
	}
	_, body, _ = call(t, env, "GET", "/api/v4/projects/"+itoa(id)+"/import", repToken, "", "")
	if !strings.Contains(body, `"exception_message":null`) {
		t.Errorf("reporter sees failure messages: %s", body)
	}
	if !strings.HasPrefix(body, `{"id":`+itoa(id)+`,"description":"small","name":"small","name_with_namespace":"Administrator / small","path":"small","path_with_namespace":"root/small","created_at":"`) ||
		!strings.Contains(body, `"import_status":"finished","import_type":"gitlab_project","correlation_id":"`) ||
		!strings.Contains(body, `"failed_relations":[{"id":`) || !strings.Contains(body, `"import_error":null,"stats":{"fetched":`) {
		t.Errorf("import status shape: %s", body)
	}
}

func TestProjectImport_LegacyProjectJSON(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	var buf bytes.Buffer
	aw := archive.NewWriter(&buf)
	aw.AddBytes("VERSION", []byte("0.2.4"))
	aw.AddBytes("project.json", []byte(`{"description":"legacy","labels":[{"title":"bug","color":"#f00"}],`+
		`"issues":[{"iid":1,"title":"a","notes":[{"note":"hi"}]},{"iid":2,"title":"b"}],"visibility_level":20,`+
		`"project_feature":{"issues_access_level":20}}`))
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	status, body := importArchive(t, env, servertest.RootToken, "legacy.tar.gz", buf.Bytes(), map[string]string{"path": "legacy"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	id := projectID(t, body)
	st := waitImport(t, env, servertest.RootToken, id)
	if st.ImportStatus != "finished" || st.Stats.Imported["issues"] != 2 || st.Stats.Imported["labels"] != 1 ||
		st.Stats.Imported["project_feature"] != 1 {
		t.Fatalf("legacy import %s %+v %v", st.ImportStatus, st.Stats, deref(st.ImportError))
	}
	p, _, _ := env.Root.Projects.GetProject(id, nil)
	if p.Description != "legacy" || p.Visibility != gitlab.PublicVisibility {
		t.Errorf("project %q %s", p.Description, p.Visibility)
	}
}

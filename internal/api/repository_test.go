package api_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// repoFixture is setupRoles' private project grp/sub/proj after a
// developer pushed to it with real git: main has README.md,
// docs/guide.md, a binary file and an executable script; branch feature
// adds feature.txt; tag v1.0 (annotated) marks main, v0.9 (lightweight)
// the first commit.
type repoFixture struct {
	*roles
	main, feature string // tip commits
}

// setupRepo builds a repoFixture and returns it with the Reporter's client
// and the project's id.
func setupRepo(t *testing.T) (*repoFixture, *gitlab.Client, int64) {
	t.Helper()
	r := setupRoles(t)
	main, feature := pushFixture(t, "http://oauth2:"+r.tokens["developer"]+"@"+strings.TrimPrefix(r.env.URL, "http://")+"/grp/sub/proj.git")
	return &repoFixture{roles: r, main: main, feature: feature}, r.clients["reporter"], r.project.ID
}

// pushFixture clones url and pushes repoFixture's commits, branch and tag
// to it; it returns the tips of main and feature.
func pushFixture(t *testing.T, url string) (main, feature string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "work")
	run := func(args ...string) string {
		t.Helper()
		out, err := git(t, dir, args...)
		if err != nil {
			t.Fatalf("git %v: %s", args, out)
		}
		return out
	}
	if out, err := git(t, t.TempDir(), "clone", "-q", url, dir); err != nil {
		t.Fatal(out)
	}
	write := func(name, content string, mode os.FileMode) { writeFile(t, dir, name, content, mode) }
	write("docs/guide.md", "# Guide\n", 0o644)
	write("bin/run.sh", "#!/bin/sh\necho hi\n", 0o755)
	write("logo.bin", "\x00\x01\x02binary", 0o644)
	run("tag", "v0.9")
	run("add", ".")
	run("commit", "-q", "-m", "Add docs\n\nWith a body.")
	run("tag", "-a", "v1.0", "-m", "Release 1.0")
	run("checkout", "-q", "-b", "feature")
	write("feature.txt", "one\ntwo\n", 0o644)
	run("add", ".")
	run("commit", "-q", "-m", "Add feature")
	run("push", "-q", "origin", "main", "feature", "v0.9", "v1.0")
	return run("rev-parse", "main"), run("rev-parse", "feature")
}

func TestRepository_BranchesAndTags(t *testing.T) {
	t.Parallel()
	f, c, pid := setupRepo(t)
	branches, resp, err := c.Branches.ListBranches(pid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := joined(branches, func(b *gitlab.Branch) string { return b.Name }); got != "feature,main" || resp.TotalItems != 2 {
		t.Fatalf("branches %s (total %d), want feature,main", got, resp.TotalItems)
	}
	main := branches[1]
	if !main.Default || !main.Protected || main.Merged || main.Commit.ID != f.main || main.Commit.Title != "Add docs" ||
		main.Commit.Message != "Add docs\n\nWith a body.\n" || main.WebURL != f.env.URL+"/grp/sub/proj/-/tree/main" {
		t.Errorf("main = %+v, commit %+v", main, main.Commit)
	}
	page, resp, err := c.Branches.ListBranches(pid, &gitlab.ListBranchesOptions{Search: gitlab.Ptr("feat"),
		ListOptions: gitlab.ListOptions{PerPage: 1}})
	if err != nil || len(page) != 1 || page[0].Name != "feature" || resp.TotalPages != 1 {
		t.Errorf("search feat: %v %v", page, err)
	}
	for name, want := range map[string]int{"feature": 204, "nope": 404, "branch*": 404} {
		if status, body, _ := call(t, f.env, http.MethodHead, "/api/v4/projects/"+itoa(pid)+"/repository/branches/"+name,
			f.tokens["reporter"], "", ""); status != want || body != "" {
			t.Errorf("HEAD branch %s: %d %q, want %d", name, status, body, want)
		}
	}
	b, _, err := c.Branches.GetBranch(pid, "feature")
	if err != nil || b.Commit.ID != f.feature || b.Default {
		t.Errorf("feature = %+v, %v", b, err)
	}
	tags, _, err := c.Tags.ListTags(pid, &gitlab.ListTagsOptions{OrderBy: gitlab.Ptr("name"), Sort: gitlab.Ptr("desc")})
	if err != nil || len(tags) != 2 || tags[0].Name != "v1.0" || tags[0].Message != "Release 1.0" ||
		tags[0].Commit.ID != f.main || tags[0].Target == f.main || tags[1].Name != "v0.9" || tags[1].Message != "" {
		t.Fatalf("tags %+v, %v", tags, err)
	}
	byVersion, _, err := c.Tags.ListTags(pid, &gitlab.ListTagsOptions{OrderBy: gitlab.Ptr("version"), Sort: gitlab.Ptr("asc"),
		Search: gitlab.Ptr("^v")})
	if got := joined(byVersion, func(t *gitlab.Tag) string { return t.Name }); err != nil || got != "v0.9,v1.0" {
		t.Errorf("tags by version %s %v", got, err)
	}
	checkCalls(t, f.env, []apiCase{
		getCase("/projects/grp%2Fsub%2Fproj/repository/branches/nope", f.tokens["reporter"], 404, `{"message":"404 Branch Not Found"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/tags/nope", f.tokens["reporter"], 404, `{"message":"404 Tag Not Found"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/branches/branch*", f.tokens["reporter"], 400, `{"message":"The branch refname is invalid"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/tags?order_by=date", f.tokens["reporter"], 400, `{"error":"order_by does not have a valid value"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/branches?sort=name", f.tokens["reporter"], 400, `{"error":"sort does not have a valid value"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/branches", f.tokens["outsider"], 404, `{"message":"404 Project Not Found"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/branches", f.tokens["guest"], 403, `{"message":"403 Forbidden"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/branches", "", 404, `{"message":"404 Project Not Found"}`),
	})
}

func TestRepository_Commits(t *testing.T) {
	t.Parallel()
	f, c, pid := setupRepo(t)
	list, resp, err := c.Commits.ListCommits(pid, &gitlab.ListCommitsOptions{RefName: gitlab.Ptr("feature"),
		ListOptions: gitlab.ListOptions{PerPage: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != f.feature || list[1].ID != f.main || resp.TotalItems != 0 || resp.NextPage != 2 {
		t.Fatalf("commits %v total %d next %d", joined(list, func(c *gitlab.Commit) string { return c.Title }), resp.TotalItems, resp.NextPage)
	}
	byPath, _, err := c.Commits.ListCommits(pid, &gitlab.ListCommitsOptions{Path: gitlab.Ptr("docs/guide.md"), WithStats: gitlab.Ptr(true)})
	if err != nil || len(byPath) != 1 || byPath[0].ID != f.main || byPath[0].Stats == nil || byPath[0].Stats.Additions != 3 {
		t.Errorf("path docs/guide.md with stats: %v %v", byPath, err)
	}
	ranged, _, err := c.Commits.ListCommits(pid, &gitlab.ListCommitsOptions{RefName: gitlab.Ptr("v1.0..feature")})
	if err != nil || len(ranged) != 1 || ranged[0].ID != f.feature {
		t.Errorf("ref_name v1.0..feature: %v %v", ranged, err)
	}
	byAuthor, resp, err := c.Commits.ListCommits(pid, &gitlab.ListCommitsOptions{Author: gitlab.Ptr("nobody"), All: gitlab.Ptr(true)})
	if err != nil || len(byAuthor) != 0 || resp.NextPage != 0 {
		t.Errorf("author nobody: %v %v", byAuthor, err)
	}
	one, _, err := c.Commits.GetCommit(pid, f.feature[:8], nil)
	if err != nil || one.ID != f.feature || one.Stats == nil || one.Stats.Additions != 2 || one.ProjectID != pid ||
		len(one.ParentIDs) != 1 || one.ParentIDs[0] != f.main {
		t.Errorf("commit %+v, %v", one, err)
	}
	diffs, _, err := c.Commits.GetCommitDiff(pid, "feature", nil)
	if err != nil || len(diffs) != 1 || diffs[0].NewPath != "feature.txt" || !diffs[0].NewFile {
		t.Errorf("feature diff %+v %v", diffs, err)
	}
	rootDiffs, _, err := c.Commits.GetCommitDiff(pid, one.ParentIDs[0]+"~1", nil)
	if err != nil || len(rootDiffs) != 1 || rootDiffs[0].NewPath != "README.md" || rootDiffs[0].AMode != "0" {
		t.Errorf("root commit diff %+v %v", rootDiffs, err)
	}
	refs, _, err := c.Commits.GetCommitRefs(pid, f.main, nil)
	if got := joined(refs, func(r *gitlab.CommitRef) string { return r.Type + ":" + r.Name }); err != nil || got != "branch:feature,branch:main,tag:v1.0" {
		t.Errorf("refs of main %s %v", got, err)
	}
	if status, body, _ := call(t, f.env, http.MethodGet, "/api/v4/projects/"+itoa(pid)+"/repository/commits/feature/sequence",
		f.tokens["reporter"], "", ""); status != 200 || body != `{"count":3}` {
		t.Errorf("sequence of feature: %d %s", status, body)
	}
	people, resp, err := c.Repositories.Contributors(pid, &gitlab.ListContributorsOptions{OrderBy: gitlab.Ptr("name")})
	if got := joined(people, func(p *gitlab.Contributor) string { return p.Name + ":" + itoa(p.Commits) }); err != nil ||
		got != "Administrator:1,Test:1" || resp.TotalItems != 2 {
		t.Errorf("contributors %s %v", got, err)
	}
	checkCalls(t, f.env, []apiCase{
		getCase("/projects/grp%2Fsub%2Fproj/repository/commits/0000000000", f.tokens["reporter"], 404, `{"message":"404 Commit Not Found"}`),
	})
}

func TestRepository_Compare(t *testing.T) {
	t.Parallel()
	f, c, pid := setupRepo(t)
	cmp, _, err := c.Repositories.Compare(pid, &gitlab.CompareOptions{From: gitlab.Ptr("main"), To: gitlab.Ptr("feature")})
	if err != nil || len(cmp.Commits) != 1 || cmp.Commit.ID != f.feature || len(cmp.Diffs) != 1 || cmp.CompareSameRef ||
		cmp.WebURL != f.env.URL+"/grp/sub/proj/-/compare/"+f.main+"..."+f.feature ||
		!cmp.Diffs[0].NewFile || cmp.Diffs[0].NewPath != "feature.txt" || cmp.Diffs[0].Diff != "@@ -0,0 +1,2 @@\n+one\n+two\n" {
		t.Errorf("compare %+v, %v", cmp, err)
	}
	base, _, err := c.Repositories.MergeBase(pid, &gitlab.MergeBaseOptions{Ref: &[]string{"feature", "v1.0"}})
	if err != nil || base.ID != f.main {
		t.Errorf("merge base of feature and v1.0: %+v %v", base, err)
	}
	same, _, err := c.Repositories.Compare(pid, &gitlab.CompareOptions{From: gitlab.Ptr("main"), To: gitlab.Ptr(f.main)})
	if err != nil || !same.CompareSameRef || len(same.Commits) != 0 || len(same.Diffs) != 0 || same.Commit != nil {
		t.Errorf("compare main with itself %+v %v", same, err)
	}
	checkCalls(t, f.env, []apiCase{
		getCase("/projects/grp%2Fsub%2Fproj/repository/compare?from=main&to=nope", f.tokens["reporter"], 404, `{"message":"404 Ref Not Found"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/compare?from=main", f.tokens["reporter"], 400, `{"error":"to is missing"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/merge_base?refs=main", f.tokens["reporter"], 400, `{"message":"Provide at least 2 refs"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/merge_base?refs=main,x,y", f.tokens["reporter"], 400, `{"message":"Could not find refs: x, y"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/compare?from=main&to=main&from_project_id=99", f.tokens["reporter"], 400,
			`{"message":"Target project id:99 is not a fork of project id:grp/sub/proj"}`),
	})
}

func TestRepository_Tree(t *testing.T) {
	t.Parallel()
	f, c, pid := setupRepo(t)
	tree, _, err := c.Repositories.ListTree(pid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := joined(tree, func(n *gitlab.TreeNode) string { return n.Type + ":" + n.Path }); got != "tree:bin,tree:docs,blob:README.md,blob:logo.bin" {
		t.Errorf("tree %s", got)
	}
	deep, resp, err := c.Repositories.ListTree(pid, &gitlab.ListTreeOptions{Recursive: gitlab.Ptr(true), Ref: gitlab.Ptr("feature"),
		ListOptions: gitlab.ListOptions{PerPage: 3, Page: 2}})
	if err != nil || resp.TotalItems != 7 || len(deep) != 3 || deep[0].Path != "bin/run.sh" {
		t.Errorf("recursive page 2: %v total %d, %v", joined(deep, func(n *gitlab.TreeNode) string { return n.Path }), resp.TotalItems, err)
	}
	var keyset []string
	for token := ""; ; {
		page, resp, err := c.Repositories.ListTree(pid, &gitlab.ListTreeOptions{Recursive: gitlab.Ptr(true),
			ListOptions: gitlab.ListOptions{Pagination: "keyset", PerPage: 4, PageToken: token}})
		if err != nil {
			t.Fatal(err)
		}
		keyset = append(keyset, joined(page, func(n *gitlab.TreeNode) string { return n.Path }))
		next, _ := url.Parse(resp.NextLink)
		if token = next.Query().Get("page_token"); token == "" || len(keyset) > 3 {
			break
		}
	}
	if got := strings.Join(keyset, ";"); got != "bin,docs,README.md,bin/run.sh;docs/guide.md,logo.bin" {
		t.Errorf("keyset pages %s", got)
	}
	_, all, _ := call(t, f.env, http.MethodGet, "/api/v4/projects/"+itoa(pid)+"/repository/tree?recursive=true&pagination=none", f.tokens["reporter"], "", "")
	if n := strings.Count(all, `"id"`); n != 6 {
		t.Errorf("pagination=none lists %d entries, want 6: %s", n, all)
	}
	checkCalls(t, f.env, []apiCase{
		getCase("/projects/grp%2Fsub%2Fproj/repository/tree?path=nope", f.tokens["reporter"], 404, `{"message":"404 invalid revision or path Not Found"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/tree?ref=nope", f.tokens["reporter"], 404, `{"message":"404 Tree Not Found"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/tree?pagination=none", f.tokens["reporter"], 400, `{"error":"pagination cannot be \"none\" unless \"recursive\" is true"}`),
	})
}

func TestRepository_Files(t *testing.T) {
	t.Parallel()
	f, c, pid := setupRepo(t)
	file, _, err := c.RepositoryFiles.GetFile(pid, "bin/run.sh", &gitlab.GetFileOptions{Ref: gitlab.Ptr("v1.0")})
	if err != nil {
		t.Fatal(err)
	}
	content, _ := base64.StdEncoding.DecodeString(file.Content)
	if string(content) != "#!/bin/sh\necho hi\n" || !file.ExecuteFilemode || file.FileName != "run.sh" || file.Size != 18 ||
		file.CommitID != f.main || file.LastCommitID != f.main || file.Ref != "v1.0" || len(file.SHA256) != 64 {
		t.Errorf("file %+v", file)
	}
	if status, body, _ := call(t, f.env, http.MethodGet, "/api/v4/projects/"+itoa(pid)+"/repository/files/%2Fdocs%2Fguide.md/raw",
		f.tokens["reporter"], "", ""); status != 200 || body != "# Guide" {
		t.Errorf("raw file with a leading slash: %d %q", status, body)
	}
	status, body, hdr := call(t, f.env, http.MethodHead, "/api/v4/projects/"+itoa(pid)+"/repository/files/bin%2Frun.sh?ref=main",
		f.tokens["reporter"], "", "")
	if status != 200 || body != "" || hdr.Get("X-Gitlab-Blob-Id") != file.BlobID || hdr.Get("X-Gitlab-Execute-Filemode") != "true" {
		t.Errorf("HEAD file: %d %q %v", status, body, hdr)
	}
	blame, _, err := c.RepositoryFiles.GetFileBlame(pid, "bin/run.sh", &gitlab.GetFileBlameOptions{Ref: gitlab.Ptr("feature"),
		RangeStart: gitlab.Ptr(int64(2)), RangeEnd: gitlab.Ptr(int64(2))})
	if err != nil || len(blame) != 1 || blame[0].Commit.ID != f.main || strings.Join(blame[0].Lines, "|") != "echo hi" {
		t.Errorf("blame %+v %v", blame, err)
	}
	raw, resp, err := c.RepositoryFiles.GetRawFile(pid, "logo.bin", nil)
	if err != nil || string(raw) != "\x00\x01\x02binary" || resp.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("raw %q %v", raw, err)
	}
	blob, resp, err := c.Repositories.RawBlobContent(pid, file.BlobID)
	if err != nil || string(blob) != "#!/bin/sh\necho hi\n" || resp.Header.Get("Content-Disposition") != "inline" ||
		resp.Header.Get("Cache-Control") != "max-age=0, private, must-revalidate, no-store, no-cache" {
		t.Errorf("blob %q %v %v", blob, resp.Header, err)
	}
	meta, _, err := c.Repositories.Blob(pid, file.BlobID)
	if err != nil || !strings.Contains(string(meta), `"size":18,"encoding":"base64","sha":"`+file.BlobID+`","content":"IyEvYmluL3NoCmVjaG8gaGkK"}`) {
		t.Errorf("blob JSON %s %v", meta, err)
	}
	checkCalls(t, f.env, []apiCase{
		getCase("/projects/grp%2Fsub%2Fproj/repository/files/nope.txt?ref=main", f.tokens["reporter"], 404, `{"message":"404 File Not Found"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/files/README.md?ref=nope", f.tokens["reporter"], 404, `{"message":"404 Commit Not Found"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/files/README.md", f.tokens["reporter"], 400, `{"error":"ref is missing, ref is empty"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/files/README.md?ref=", f.tokens["reporter"], 400, `{"error":"ref is empty"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/files/docs/raw", f.tokens["reporter"], 404, `{"message":"404 File Not Found"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/files/..%2F..%2Fetc%2Fpasswd?ref=main", f.tokens["reporter"], 400, `{"error":"file_path should be a valid file path"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/files/docs%2F..%2F..%2Fx/raw", f.tokens["reporter"], 400, `{"error":"file_path should be a valid file path"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/files/%2FREADME.md?ref=main", f.tokens["reporter"], 400, `{"error":"file_path should be a valid file path"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/files/README.md/blame?ref=main&range[start]=3&range[end]=1", f.tokens["reporter"], 400,
			`{"message":"range[start] must be less than or equal to range[end]"}`),
		getCase("/projects/grp%2Fsub%2Fproj/repository/blobs/abcdef12/raw", f.tokens["reporter"], 404, `{"message":"404 Blob Not Found"}`),
	})
}

func TestRepository_Archive(t *testing.T) {
	t.Parallel()
	f, _, _ := setupRepo(t)
	var buf bytes.Buffer
	resp, err := f.clients["reporter"].Repositories.StreamArchive(f.project.ID, &buf, &gitlab.ArchiveOptions{SHA: gitlab.Ptr("feature")})
	if err != nil {
		t.Fatal(err)
	}
	prefix := "proj-feature-" + f.feature
	if got, want := resp.Header.Get("Content-Disposition"), `attachment; filename="`+prefix+`.tar.gz"`; got != want {
		t.Errorf("Content-Disposition %s, want %s", got, want)
	}
	gz, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		files[h.Name] = string(data)
	}
	if files[prefix+"/feature.txt"] != "one\ntwo\n" || files[prefix+"/docs/guide.md"] != "# Guide\n" {
		t.Errorf("archive holds %v", files)
	}
	zip, resp, err := f.clients["reporter"].Repositories.Archive(f.project.ID, &gitlab.ArchiveOptions{Format: gitlab.Ptr("zip")})
	if err != nil || !bytes.HasPrefix(zip, []byte("PK")) || !strings.Contains(resp.Header.Get("Content-Disposition"), "proj-main-"+f.main+".zip") {
		t.Errorf("zip: %v %v", resp.Header, err)
	}
	base := "/api/v4/projects/" + itoa(f.project.ID) + "/repository/"
	for _, tt := range []struct{ path, magic, ext string }{
		{"archive.tar.bz2", "BZh", ".tar.bz2"},
		{"archive.tgz", "\x1f\x8b", ".tar.gz"},
		{"archive?format=rar", "\x1f\x8b", ".tar.gz"},
		{"archive?format=tar&path=docs", "proj-main-" + f.main + "-docs/", "-docs.tar"},
	} {
		status, body, hdr := call(t, f.env, http.MethodGet, base+tt.path, f.tokens["reporter"], "", "")
		if status != http.StatusOK || !strings.Contains(body, tt.magic) || !strings.HasSuffix(hdr.Get("Content-Disposition"), tt.ext+`"`) {
			t.Errorf("%s: %d %s %.20q", tt.path, status, hdr.Get("Content-Disposition"), body)
		}
	}
	checkCalls(t, f.env, []apiCase{
		getCase(strings.TrimPrefix(base, "/api/v4")+"archive.tar.gz", f.tokens["guest"], 403, `{"message":"403 Forbidden"}`),
		getCase(strings.TrimPrefix(base, "/api/v4")+"archive?sha=xxx", f.tokens["reporter"], 404, `{"message":"404 File Not Found"}`),
		getCase(strings.TrimPrefix(base, "/api/v4")+"archive?path=nope", f.tokens["reporter"], 404, `{"message":"404 File Not Found"}`),
		getCase(strings.TrimPrefix(base, "/api/v4")+"archive.rar", f.tokens["reporter"], 404, `{"message":"404 Not Found"}`),
		getCase(strings.TrimPrefix(base, "/api/v4")+"archives", f.tokens["reporter"], 404, `{"message":"404 Not Found"}`),
	})
}

// getCase is a GET of path under /api/v4 answered with status and body.
func getCase(path, token string, status int, body string) apiCase {
	return apiCase{name: path, method: http.MethodGet, path: "/api/v4" + path, token: token, wantStatus: status, wantBody: body}
}

func TestRepository_PublicAnonymousAndPages(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("pub"),
		Visibility: gitlab.Ptr(gitlab.PublicVisibility), InitializeWithReadme: gitlab.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	main, _ := pushFixture(t, "http://oauth2:"+servertest.RootToken+"@"+strings.TrimPrefix(env.URL, "http://")+"/root/pub.git")
	base := "/api/v4/projects/root%2Fpub/repository"
	status, body, hdr := call(t, env, http.MethodGet, base+"/commits?ref_name=feature&per_page=1&page=2", "", "", "")
	if status != http.StatusOK || !strings.Contains(body, main) {
		t.Fatalf("anonymous commits: %d %s", status, body)
	}
	for k, want := range map[string]string{"X-Total": "", "X-Total-Pages": "", "X-Page": "2", "X-Per-Page": "1",
		"X-Next-Page": "3", "X-Prev-Page": "1"} { // GitLab does not count commits
		if got := hdr.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if link := hdr.Get("Link"); !strings.Contains(link, `rel="next"`) || !strings.Contains(link, "ref_name=feature") ||
		strings.Contains(link, `rel="last"`) {
		t.Errorf("Link %s", link)
	}
	for _, path := range []string{"/branches", "/tags/v1.0", "/tree", "/files/README.md/raw", "/archive.zip",
		"/compare?from=main&to=feature"} {
		if status, body, _ := call(t, env, http.MethodGet, base+path, "", "", ""); status != http.StatusOK {
			t.Errorf("anonymous %s: %d %s", path, status, body)
		}
	}
	if status, _, _ := call(t, env, http.MethodGet, strings.TrimPrefix(p.Links.RepoBranches, env.URL), "", "", ""); status != http.StatusOK {
		t.Errorf("_links.repo_branches %s: %d", p.Links.RepoBranches, status)
	}
}

// writeFile writes content to name below dir, making its folders.
func writeFile(t *testing.T, dir, name, content string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

// TestRepository_Visibility pins who reads a repository by visibility:
// public to anyone, internal to any signed-in user, private to members
// (Reporter and above; others are told it does not exist).
func TestRepository_Visibility(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	_, _, outsider := newUser(t, env, "outsider")
	for _, v := range []gitlab.VisibilityValue{gitlab.PublicVisibility, gitlab.InternalVisibility, gitlab.PrivateVisibility} {
		if _, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr(string(v)),
			Visibility: gitlab.Ptr(v), InitializeWithReadme: gitlab.Ptr(true)}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		project, token string
		want           int
	}{
		{"public", "", 200},
		{"public", outsider, 200},
		{"internal", "", 404},
		{"internal", outsider, 200},
		{"private", "", 404},
		{"private", outsider, 404},
		{"private", servertest.RootToken, 200},
	}
	for _, tt := range tests {
		for _, path := range []string{"/repository/tree", "/repository/files/README.md/raw", "/wikis"} {
			status, body, _ := call(t, env, http.MethodGet, "/api/v4/projects/root%2F"+tt.project+path, tt.token, "", "")
			if status != tt.want {
				t.Errorf("%s%s as %q: %d %s, want %d", tt.project, path, tt.token, status, body, tt.want)
			}
		}
	}
}

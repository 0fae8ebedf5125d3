package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/web/webtest"
)

// everythingLFS is the LFS object of TestCLI_MigrateEverything's archive.
const everythingLFS = "large file content, kept out of git, migrated\n"

// TestCLI_MigrateEverything moves a group holding GitLab's complex
// fixture, with a repository, a wiki, an upload and an LFS object,
// between two `ferry serve` processes: on the target, every relation
// GitLab exports counts exactly the records the source imported (and
// those its import added: a label, root as a member), the branches and tags
// point at the same commits, the wiki has the same pages, and the upload
// and the LFS object are served with identical bytes.
func TestCLI_MigrateEverything(t *testing.T) {
	t.Parallel()
	src, dst, dir := startRemote(t), startRemote(t), t.TempDir()
	sum := sha256.Sum256([]byte(everythingLFS))
	oid := hex.EncodeToString(sum[:])
	data := withLFS(t, webtest.FixtureArchive(t), oid, []byte(everythingLFS))
	src.h.do("POST", "/groups", "name=team&path=team")
	waitAll(t, src.h, []int64{src.h.postImport(data, map[string]string{"path": "full", "namespace": "team"})}, nil)

	env := []string{"FERRY_FROM_TOKEN=" + scaleToken, "FERRY_TO_TOKEN=" + scaleToken}
	out, code := runCLI(t, src.bin, dir, env, "migrate", "--from", src.base, "--to", dst.base, "--group", "team", "--create-groups")
	if code != 0 || !strings.Contains(out, "team/full  team/full  migrated") {
		t.Fatalf("migrate: exit %d\n%s", code, out)
	}
	t.Logf("migrate:\n%s", out)

	const path = "team/full"
	want, got := src.h.importStats(path), dst.h.importStats(path)
	if len(want.Imported) == 0 || want.Imported["issues"] == 0 {
		t.Fatalf("the source imported nothing: %v", want.Imported)
	}
	// Relations GitLab's exporter no longer writes (services, triggers,
	// design_management_repository in the fixture) do not move, as from
	// GitLab. The source's import adds records the export then carries:
	// testlabel, which a board's list names and labels.ndjson lacks
	// (labels count what the source holds), and root, a member the archive's
	// project_members (all of which the export keeps) does not name.
	exported := map[string]bool{}
	for _, c := range archive.ExportTree.Children {
		exported[c.Name] = true
	}
	held := map[string]string{"labels": "/labels"}
	for rel, n := range want.Imported {
		if !exported[rel] {
			if got.Imported[rel] != 0 {
				t.Errorf("%s: %d imported on the target; GitLab does not export it", rel, got.Imported[rel])
			}
			t.Logf("%s: %d on the source, not exported", rel, n)
			continue
		}
		if api, ok := held[rel]; ok {
			if n = count(t, src, path, api); count(t, dst, path, api) != n {
				t.Errorf("%s: the target holds %d, the source %d", rel, count(t, dst, path, api), n)
			}
		}
		if rel == "project_members" {
			n += ownMembers(t, src, path)
		}
		if got.Imported[rel] != n {
			t.Errorf("%s: %d imported on the target, want %d", rel, got.Imported[rel], n)
		}
	}
	for rel, n := range got.Imported {
		if _, ok := want.Imported[rel]; !ok {
			t.Errorf("%s: %d imported on the target, none on the source", rel, n)
		}
	}

	for _, what := range []string{"branches", "tags", "wikis"} {
		s, d := listed(t, src, path, what), listed(t, dst, path, what)
		if len(s) == 0 || !reflect.DeepEqual(s, d) {
			t.Errorf("%s: the target has %v, the source %v", what, d, s)
		}
	}

	upload := "/" + path + "/uploads/" + webtest.UploadSecret + "/logo.png"
	if s, d := fetch(t, "GET", src.base+upload, ""), fetch(t, "GET", dst.base+upload, ""); len(s) == 0 || !bytes.Equal(s, d) {
		t.Errorf("upload: %d bytes on the target, %d on the source", len(d), len(s))
	}
	for _, r := range []*remoteEnv{src, dst} {
		if b := lfsDownload(t, r.base, path, oid); string(b) != everythingLFS {
			t.Errorf("LFS object on %s: %q", r.base, b)
		}
	}
}

// withLFS is the export archive data with the LFS object content added
// as oid, a project repository's.
func withLFS(t *testing.T, data []byte, oid string, content []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	aw := archive.NewWriter(&buf)
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := aw.AddBytes(strings.TrimPrefix(h.Name, "./"), b); err != nil {
			t.Fatal(err)
		}
	}
	if err := aw.AddBytes("lfs-objects/"+oid, content); err != nil {
		t.Fatal(err)
	}
	if err := aw.AddBytes("lfs-objects.json", []byte(`{"`+oid+`":["project"]}`)); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// listed is the project's branches, tags ("name commit") or wiki pages
// ("slug title") on r.
func listed(t *testing.T, r *remoteEnv, path, what string) []string {
	t.Helper()
	api := map[string]string{"branches": "/repository/branches", "tags": "/repository/tags", "wikis": "/wikis"}[what]
	var items []struct {
		Name, Slug, Title string
		Commit            struct{ ID string }
	}
	r.h.decode(r.h.do("GET", "/projects/"+url.PathEscape(path)+api+"?per_page=100", ""), &items)
	var names []string
	for _, it := range items {
		names = append(names, strings.TrimSpace(it.Name+it.Slug+" "+it.Commit.ID+it.Title))
	}
	return names
}

// count is the number of items the project's api lists on r.
func count(t *testing.T, r *remoteEnv, path, api string) int64 {
	t.Helper()
	var items []json.RawMessage
	r.h.decode(r.h.do("GET", "/projects/"+url.PathEscape(path)+api+"?per_page=100", ""), &items)
	return int64(len(items))
}

// ownMembers counts the members of the project on r that the fixture's
// project_members.ndjson does not name.
func ownMembers(t *testing.T, r *remoteEnv, path string) int64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir(t), "project", "project_members.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	var members []struct{ Username string }
	r.h.decode(r.h.do("GET", "/projects/"+url.PathEscape(path)+"/members?per_page=100", ""), &members)
	n := int64(0)
	for _, m := range members {
		if !strings.Contains(string(b), `"username":"`+m.Username+`"`) {
			n++
		}
	}
	return n
}

// fetch sends method to u as root and returns the body; anything but 200
// fails the test.
func fetch(t *testing.T, method, u, body string) []byte {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.SetBasicAuth("root", scaleToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/vnd.git-lfs+json")
		req.Header.Set("Accept", "application/vnd.git-lfs+json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("%s %s: %d %s", method, u, resp.StatusCode, b)
		return nil
	}
	return b
}

// lfsDownload asks the LFS batch API of the project at base for oid and
// downloads it from the href it answers.
func lfsDownload(t *testing.T, base, path, oid string) []byte {
	t.Helper()
	body := fmt.Sprintf(`{"operation":"download","transfers":["basic"],"objects":[{"oid":%q,"size":%d}]}`, oid, len(everythingLFS))
	var got struct {
		Objects []struct {
			Actions struct {
				Download struct {
					Href   string            `json:"href"`
					Header map[string]string `json:"header"`
				} `json:"download"`
			} `json:"actions"`
			Error *struct{ Message string } `json:"error"`
		} `json:"objects"`
	}
	b := fetch(t, "POST", base+"/"+path+".git/info/lfs/objects/batch", body)
	if err := json.Unmarshal(b, &got); err != nil || len(got.Objects) != 1 || got.Objects[0].Error != nil {
		t.Errorf("LFS batch on %s: %v %s", base, err, b)
		return nil
	}
	dl := got.Objects[0].Actions.Download
	req, _ := http.NewRequest("GET", dl.Href, nil)
	for k, v := range dl.Header {
		req.Header.Set(k, v)
	}
	if req.Header.Get("Authorization") == "" {
		req.SetBasicAuth("root", scaleToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("LFS download %s: %d %s", dl.Href, resp.StatusCode, b)
		return nil
	}
	return b
}

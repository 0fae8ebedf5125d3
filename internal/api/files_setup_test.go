package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// lfsContent is the LFS object every files fixture project holds.
const lfsContent = "large file content, kept out of git\n"

// uploadSecret is the secret folder of the fixture's uploads.
const uploadSecret = "0123456789abcdef0123456789abcdef"

// filesEnv is a server with two imported projects, root/private-files and
// root/public-files, each with uploads, an LFS object and a repository
// whose big.bin is an LFS pointer to it; a Guest, a Reporter and a
// Developer of both, and an outsider.
type filesEnv struct {
	env    *servertest.Env
	ids    map[string]int64 // by visibility
	tokens map[string]string
	oid    string
}

func setupFiles(t *testing.T) *filesEnv {
	t.Helper()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0))})
	sum := sha256.Sum256([]byte(lfsContent))
	f := &filesEnv{env: env, ids: map[string]int64{}, tokens: map[string]string{}, oid: hex.EncodeToString(sum[:])}
	data := fixtureArchive(t, "0.2.4", map[string][]byte{
		"project.bundle": lfsRepo(t, f.oid),
		"uploads/" + uploadSecret + "/diagram.png":    []byte("png bytes"),
		"uploads/" + uploadSecret + "/notes café.txt": []byte("some notes"),
		"lfs-objects/" + f.oid:                        []byte(lfsContent),
		"lfs-objects.json":                            []byte(`{"` + f.oid + `":["project"]}`),
	})
	for _, vis := range []string{"private", "public"} {
		f.ids[vis] = importFinished(t, env, data, map[string]string{"path": vis + "-files",
			"override_params[visibility]": vis})
	}
	for name, level := range map[string]gitlab.AccessLevelValue{"guest": gitlab.GuestPermissions,
		"reporter": gitlab.ReporterPermissions, "developer": gitlab.DeveloperPermissions, "outsider": 0} {
		u, _, tok := newUser(t, env, name)
		f.tokens[name] = tok
		for _, id := range f.ids {
			if level == 0 {
				continue
			}
			if _, _, err := env.Root.ProjectMembers.AddProjectMember(int(id), &gitlab.AddProjectMemberOptions{
				UserID: u.ID, AccessLevel: gitlab.Ptr(level)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.tokens["root"] = servertest.RootToken
	return f
}

// lfsRepo makes a repository whose big.bin is tracked by LFS (a pointer
// to oid) and returns its bundle.
func lfsRepo(t *testing.T, oid string) []byte {
	t.Helper()
	dir := t.TempDir()
	pointer := fmt.Sprintf("version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n", oid, len(lfsContent))
	if out, err := git(t, dir, "init", "-q", "-b", "master"); err != nil {
		t.Fatal(out)
	}
	writeFiles(t, dir, map[string]string{".gitattributes": "big.bin filter=lfs diff=lfs merge=lfs -text\n", "big.bin": pointer})
	gitSteps(t, dir, []string{"add", "."}, []string{"commit", "-q", "-m", "lfs"}, []string{"bundle", "create", "-q", "project.bundle", "--all"})
	b, err := os.ReadFile(filepath.Join(dir, "project.bundle"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// request sends method to path as who ("" anonymous) with the token in
// how: "header" (PRIVATE-TOKEN) or "basic" (HTTP Basic password). POSTs
// are LFS JSON.
func (f *filesEnv) request(t *testing.T, method, path, who, how, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, f.env.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case who == "":
	case how == "basic":
		req.SetBasicAuth("oauth2", f.tokens[who])
	default:
		req.Header.Set("PRIVATE-TOKEN", f.tokens[who])
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/vnd.git-lfs+json")
		req.Header.Set("Accept", "application/vnd.git-lfs+json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

package api_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

// git runs the real git client with no user or system configuration.
func git(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Test", "-c", "user.email=test@example.com",
		"-c", "init.defaultBranch=main", "-c", "credential.helper="}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_TERMINAL_PROMPT=0",
		"GIT_ASKPASS=/bin/false")
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func TestGit_CloneAndPushByRole(t *testing.T) {
	t.Parallel()
	r := setupRoles(t)
	url := r.gitURL("/grp/sub/proj.git")
	checkCloneAndPush(t, url, "README.md", []rolePolicy{
		{"", false, false},
		{"outsider", false, false},
		{"guest", false, false},
		{"reporter", true, false},
		{"developer", true, true},
		{"maintainer", true, true},
	})
	branches := map[string]bool{}
	dir := filepath.Join(t.TempDir(), "check")
	if out, err := git(t, t.TempDir(), "clone", url("maintainer"), dir); err != nil {
		t.Fatal(out)
	}
	out, _ := git(t, dir, "branch", "-r")
	for _, b := range strings.Fields(out) {
		branches[strings.TrimPrefix(b, "origin/")] = true
	}
	if !branches["developer"] || !branches["maintainer"] || branches["reporter"] {
		t.Errorf("remote branches %v: want developer and maintainer, not reporter", out)
	}
}

func TestGit_PushToEmptyProjectThenClone(t *testing.T) {
	t.Parallel()
	r := setupRoles(t)
	p, _, err := r.env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("empty"),
		NamespaceID: gitlab.Ptr(r.group.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if !p.EmptyRepo {
		t.Fatal("new project without README is not empty")
	}
	url := "http://oauth2:" + r.tokens["developer"] + "@" + strings.TrimPrefix(r.env.URL, "http://") + "/grp/empty.git"
	src := t.TempDir()
	for _, args := range [][]string{{"init", "-q"}, {"commit", "-q", "--allow-empty", "-m", "one"}, {"tag", "v1"},
		{"push", "-q", url, "main", "v1"}} {
		if out, err := git(t, src, args...); err != nil {
			t.Fatalf("git %v: %s", args, out)
		}
	}
	want, _ := git(t, src, "rev-parse", "HEAD")
	dst := filepath.Join(t.TempDir(), "dst")
	if out, err := git(t, t.TempDir(), "clone", "-q", url, dst); err != nil {
		t.Fatal(out)
	}
	got, _ := git(t, dst, "rev-parse", "HEAD")
	tags, _ := git(t, dst, "tag")
	if got != want || tags != "v1" {
		t.Errorf("clone HEAD %s tags %q, want %s v1", got, tags, want)
	}
	p, _, err = r.env.Root.Projects.GetProject(p.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.EmptyRepo || p.DefaultBranch != "main" {
		t.Errorf("after push: empty %v branch %q", p.EmptyRepo, p.DefaultBranch)
	}
}

func TestGit_TokenScopes(t *testing.T) {
	t.Parallel()
	r := setupRoles(t)
	tok, _, err := r.env.Root.Users.CreatePersonalAccessToken(r.users["developer"].ID,
		&gitlab.CreatePersonalAccessTokenOptions{Name: gitlab.Ptr("ro"), Scopes: &[]string{"read_repository"}})
	if err != nil {
		t.Fatal(err)
	}
	url := "http://developer:" + tok.Token + "@" + strings.TrimPrefix(r.env.URL, "http://") + "/grp/sub/proj.git"
	dir := filepath.Join(t.TempDir(), "clone")
	if out, err := git(t, t.TempDir(), "clone", url, dir); err != nil {
		t.Fatalf("clone with read_repository: %s", out)
	}
	if out, err := git(t, dir, "commit", "--allow-empty", "-m", "x"); err != nil {
		t.Fatal(out)
	}
	if out, err := git(t, dir, "push", "origin", "HEAD:refs/heads/ro"); err == nil {
		t.Errorf("push with a read_repository token succeeded: %s", out)
	}
}

// gitURL returns the clone URL of path on r's server with who's token
// as password ("" for no credentials).
func (r *roles) gitURL(path string) func(who string) string {
	host := strings.TrimPrefix(r.env.URL, "http://")
	return func(who string) string {
		if who == "" {
			return "http://" + host + path
		}
		return "http://oauth2:" + r.tokens[who] + "@" + host + path
	}
}

// rolePolicy is whether one role may clone and push a repository.
type rolePolicy struct {
	who         string
	clone, push bool
}

// checkCloneAndPush clones url(who) for each policy, finds wantFile in
// the clone, commits and pushes a branch named for the role: each step
// must succeed exactly when the policy allows it.
func checkCloneAndPush(t *testing.T, url func(who string) string, wantFile string, policies []rolePolicy) {
	t.Helper()
	for _, tt := range policies {
		t.Run("as "+tt.who, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "clone")
			out, err := git(t, t.TempDir(), "clone", url(tt.who), dir)
			if (err == nil) != tt.clone {
				t.Fatalf("clone: err %v, want success %v: %s", err, tt.clone, out)
			}
			if !tt.clone {
				return
			}
			if _, err := os.Stat(filepath.Join(dir, wantFile)); err != nil {
				t.Errorf("clone lacks %s: %v", wantFile, err)
			}
			if err := os.WriteFile(filepath.Join(dir, tt.who+".txt"), []byte(tt.who), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := git(t, dir, "add", "."); err != nil {
				t.Fatal(out)
			}
			if out, err := git(t, dir, "commit", "-m", "by "+tt.who); err != nil {
				t.Fatal(out)
			}
			out, err = git(t, dir, "push", "origin", "HEAD:refs/heads/"+tt.who)
			if (err == nil) != tt.push {
				t.Errorf("push: err %v, want success %v: %s", err, tt.push, out)
			}
		})
	}
}

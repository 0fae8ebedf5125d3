package api_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testenv"
)

// TestLFS_GitClient clones imported projects with the real git and git-lfs
// clients and pulls the LFS object their pointer names: anonymously from
// the public project, with a Reporter's token from the private one.
func TestLFS_GitClient(t *testing.T) {
	t.Parallel()
	if err := exec.Command("git", "lfs", "version").Run(); err != nil {
		testenv.Missing(t, "git-lfs", "apt-get install git-lfs (.ci/run does)")
	}
	f := setupFiles(t)
	host := strings.TrimPrefix(f.env.URL, "http://")
	for _, tt := range []struct{ name, url string }{
		{"PublicAnonymous", "http://" + host + "/root/public-files.git"},
		{"PrivateReporter", "http://oauth2:" + f.tokens["reporter"] + "@" + host + "/root/private-files.git"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "clone")
			if out, err := git(t, t.TempDir(), "clone", "-q", tt.url, dir); err != nil {
				t.Fatalf("clone: %s", out)
			}
			gitSteps(t, dir, []string{"lfs", "install", "--local"}, []string{"lfs", "pull"})
			got, err := os.ReadFile(filepath.Join(dir, "big.bin"))
			if err != nil || string(got) != lfsContent {
				t.Errorf("big.bin %q %v", got, err)
			}
		})
	}
}

// TestLFS_GitClientPush pins what a push with LFS does: objects Ferry
// already holds need no upload, so a Developer's push of a commit that
// reuses them goes through; a new object is refused (Ferry keeps only the
// LFS objects imports bring), which stops the push in git-lfs's pre-push
// hook.
func TestLFS_GitClientPush(t *testing.T) {
	t.Parallel()
	if err := exec.Command("git", "lfs", "version").Run(); err != nil {
		testenv.Missing(t, "git-lfs", "apt-get install git-lfs (.ci/run does)")
	}
	f := setupFiles(t)
	url := "http://oauth2:" + f.tokens["developer"] + "@" + strings.TrimPrefix(f.env.URL, "http://") + "/root/private-files.git"
	dir := filepath.Join(t.TempDir(), "clone")
	if out, err := git(t, t.TempDir(), "clone", "-q", url, dir); err != nil {
		t.Fatalf("clone: %s", out)
	}
	gitSteps(t, dir, []string{"lfs", "install", "--local"}, []string{"lfs", "pull"})
	writeFiles(t, dir, map[string]string{"copy.bin": lfsContent,
		".gitattributes": "*.bin filter=lfs diff=lfs merge=lfs -text\n"})
	gitSteps(t, dir, []string{"add", "."}, []string{"commit", "-q", "-m", "same object"}, []string{"push", "-q", "origin", "HEAD"})
	writeFiles(t, dir, map[string]string{"new.bin": "a new large file\n"})
	gitSteps(t, dir, []string{"add", "."}, []string{"commit", "-q", "-m", "new object"})
	out, err := git(t, dir, "push", "origin", "HEAD")
	if err == nil || !strings.Contains(out, "cannot store new ones") {
		t.Errorf("push of a new LFS object: %v %s", err, out)
	}
}

// gitSteps runs git with each args in dir, failing t at the first error.
func gitSteps(t *testing.T, dir string, steps ...[]string) {
	t.Helper()
	for _, args := range steps {
		if out, err := git(t, dir, args...); err != nil {
			t.Fatalf("git %v: %s", args, out)
		}
	}
}

// writeFiles writes each file of files (name → content) in dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

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
			for _, args := range [][]string{{"lfs", "install", "--local"}, {"lfs", "pull"}} {
				if out, err := git(t, dir, args...); err != nil {
					t.Fatalf("git %v: %s", args, out)
				}
			}
			got, err := os.ReadFile(filepath.Join(dir, "big.bin"))
			if err != nil || string(got) != lfsContent {
				t.Errorf("big.bin %q %v", got, err)
			}
		})
	}
}

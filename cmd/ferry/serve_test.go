package main

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServe runs `ferry serve` as a user would: configuration from the
// environment, a relative data folder, then a project pushed and cloned
// over HTTP.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	addr := freeAddr(t)
	t.Setenv("FERRY_LISTEN", addr)
	t.Setenv("FERRY_ROOT_TOKEN", "serve-test-token")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--data", "./relative-data", "--log-format", "json"}) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	base := "http://" + addr
	waitHealthy(t, base)

	req, _ := http.NewRequest("POST", base+"/api/v4/projects?name=Demo&initialize_with_readme=true", nil)
	req.Header.Set("PRIVATE-TOKEN", "serve-test-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("create project: %d", resp.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(dir, "relative-data", "ferry.db")); err != nil {
		t.Errorf("database not in the data folder: %v", err)
	}
	cmd := exec.Command("git", "clone", "-q", "http://oauth2:serve-test-token@"+addr+"/root/demo.git", "clone")
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_TERMINAL_PROMPT=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("clone: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "clone", "README.md")); err != nil {
		t.Errorf("clone lacks README.md: %v", err)
	}
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(base + "/-/readiness")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
	}
	t.Fatal("server did not become ready")
}

func TestRun_UnknownCommand(t *testing.T) {
	t.Parallel()
	if err := run(context.Background(), []string{"fly"}); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("run(fly) = %v", err)
	}
}

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestCLI_MigrateTargetKilled kills the target process while it imports
// a project `ferry migrate` moves, stops the run, restarts the target
// and reruns migrate with the same state file: the rerun waits for the
// import the target resumed, verifies it, and nothing is duplicated.
func TestCLI_MigrateTargetKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("moves an 80 MB repository between two servers")
	}
	t.Parallel()
	src := startRemote(t)
	archiveData, sc := slowImportArchive(t)
	waitAll(t, src.h, []int64{src.h.importArchive("big", archiveData)}, nil)
	bin, addr, dir := src.bin, freeAddr(t), t.TempDir()
	env := []string{"FERRY_DATABASE_URL=" + storetest.URL(t), "FERRY_DATA=" + t.TempDir(), "FERRY_ROOT_TOKEN=" + scaleToken,
		"FERRY_WORKER_STALE_AFTER=3s"}
	target := startFerry(t, bin, env, "--listen", addr)
	waitHealthy(t, "http://"+addr)
	state := filepath.Join(dir, "state.json")
	args := []string{"migrate", "--from", src.base, "--to", "http://" + addr, "root/big", "--state", state}
	tokens := []string{"FERRY_FROM_TOKEN=" + scaleToken, "FERRY_TO_TOKEN=" + scaleToken}

	run := exec.Command(bin, args...)
	run.Dir, run.Env = dir, append(os.Environ(), tokens...)
	var out bytes.Buffer
	run.Stdout, run.Stderr = &out, &out
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if b, _ := os.ReadFile(state); bytes.Contains(b, []byte(`"outcome": "importing"`)) {
			break
		}
		if time.Now().After(deadline) {
			run.Process.Kill()
			t.Fatalf("the import never started:\n%s", out.String())
		}
	}
	target.cmd.Process.Kill() // the target dies mid-import
	target.cmd.Wait()
	run.Process.Signal(os.Interrupt) // and the operator stops the run
	var exit *exec.ExitError
	if err := run.Wait(); !errors.As(err, &exit) || !strings.Contains(out.String(), "migrate: interrupted") {
		t.Fatalf("the interrupted run: %v\n%s", err, out.String())
	}

	startFerry(t, bin, env, "--listen", addr)
	waitHealthy(t, "http://"+addr)
	dst := &scaleHTTP{t: t, base: "http://" + addr + "/api/v4"}
	rerun, code := runCLI(t, bin, dir, tokens, args...)
	if code != 0 || !strings.Contains(rerun, "root/big  root/big  migrated") {
		t.Fatalf("rerun: exit %d\n%s", code, rerun)
	}
	var projects []struct{ ID int64 }
	dst.decode(dst.do("GET", "/projects", ""), &projects)
	if len(projects) != 1 {
		t.Errorf("the target holds %d projects, want 1", len(projects))
	}
	if got := dst.importStats("root/big").Imported["issues"]; got != int64(sc.Issues) {
		t.Errorf("the target imported %d issues, want %d", got, sc.Issues)
	}
}

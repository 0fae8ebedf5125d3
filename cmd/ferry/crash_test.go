package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/generate"
	"github.com/ferryhq/ferry/internal/scratch"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestServe_CrashLeavesNoScratch pins item 6 of the security issue (a
// crash leaves files forever): `ferry serve` is killed with SIGKILL in the
// middle of an import; the next start removes the killed process's work
// folders and unfinished blob writes, and older versions' leftovers, keeps
// a live process's folder and files that are not scratch, and still
// finishes the import, each record once.
func TestServe_CrashLeavesNoScratch(t *testing.T) {
	t.Parallel()
	archiveData, sc := slowImportArchive(t)
	bin, data, addr := buildFerry(t), t.TempDir(), freeAddr(t)
	tmp, blobTmp := filepath.Join(data, "tmp"), filepath.Join(data, "blobs", ".tmp")
	live, err := scratch.Claim(tmp, "live-test-process")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Release()
	plantFile(t, filepath.Join(live.Path, "export-1-abc", "project.bundle"), 0)
	env := []string{"FERRY_DATABASE_URL=" + storetest.URL(t), "FERRY_DATA=" + data, "FERRY_ROOT_TOKEN=" + scaleToken,
		"FERRY_LOG_FORMAT=json", "FERRY_WORKER_STALE_AFTER=3s"}

	victim := startFerry(t, bin, env, "--listen", addr)
	waitHealthy(t, "http://"+addr)
	h := &scaleHTTP{t: t, base: "http://" + addr + "/api/v4"}
	id := h.importArchive("crashed", archiveData)
	workFolder := killMidImport(t, victim, tmp)
	victimDirs := procFolders(t, tmp, blobTmp, live.Path)
	var left int64
	for _, dir := range victimDirs {
		left += treeSize(t, dir)
	}
	t.Logf("the killed process left %.1f MB in %v", float64(left)/(1<<20), victimDirs)

	// Older versions' leftovers (no lock), a day old: top entry → a file in it.
	legacy := map[string]string{filepath.Join(tmp, "import-9-legacy"): "archive/project.bundle",
		filepath.Join(tmp, "s3blob-12345"): "", filepath.Join(blobTmp, "blob-ABCDEFGH-12345"): ""}
	gone := append(victimDirs, workFolder)
	for top, rel := range legacy {
		plantFile(t, filepath.Join(top, rel), 1<<20)
		old := time.Now().Add(-scratch.LegacyAge - time.Hour)
		if err := os.Chtimes(top, old, old); err != nil {
			t.Fatal(err)
		}
		gone = append(gone, top)
	}
	unrelated := filepath.Join(tmp, "operator-notes.txt")
	plantFile(t, unrelated, 10)
	// A repository a crashed attempt was building beside the real one.
	repos := filepath.Join(data, "repositories")
	plantFile(t, filepath.Join(repos, fmt.Sprintf("%d.git.new-crashed", id), "HEAD"), 10)

	startFerry(t, bin, env, "--listen", addr)
	waitHealthy(t, "http://"+addr)
	for _, path := range gone {
		if _, err := os.Lstat(path); err == nil {
			t.Errorf("%s survived the restart", path)
		}
	}
	for _, path := range []string{filepath.Join(live.Path, "export-1-abc", "project.bundle"), unrelated} {
		if _, err := os.Lstat(path); err != nil {
			t.Errorf("%s was swept: %v", path, err)
		}
	}
	waitAll(t, h, []int64{id}, nil)
	var st struct {
		Stats struct{ Imported map[string]int64 }
	}
	h.decode(h.do("GET", fmt.Sprintf("/projects/%d/import", id), ""), &st)
	if got := st.Stats.Imported["issues"]; got != int64(sc.Issues) {
		t.Errorf("imported %d issues after the crash, want %d", got, sc.Issues)
	}
	if left, _ := filepath.Glob(filepath.Join(repos, fmt.Sprintf("%d.*git.*", id))); len(left) > 0 {
		t.Errorf("the resumed import left repository folders: %v", left)
	}
}

// killMidImport kills p with SIGKILL once its import's work folder holds
// 64 MB, and returns the folder, which the killed process had no chance
// to remove.
func killMidImport(t *testing.T, p *process, tmp string) string {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		found, _ := filepath.Glob(filepath.Join(tmp, "proc-*", "import-*"))
		if len(found) == 1 && treeSize(t, found[0]) >= 64<<20 {
			p.cmd.Process.Kill()
			p.cmd.Wait()
			if _, err := os.Stat(found[0]); err != nil {
				t.Fatalf("the import ended before the kill: %v", err)
			}
			return found[0]
		}
	}
	t.Fatal("the import's work folder never reached 64 MB")
	return ""
}

// procFolders lists the scratch folders in tmp and blobTmp, but skip.
func procFolders(t *testing.T, tmp, blobTmp, skip string) []string {
	t.Helper()
	var dirs []string
	for _, root := range []string{tmp, blobTmp} {
		found, _ := filepath.Glob(filepath.Join(root, "proc-*"))
		for _, dir := range found {
			if dir != skip {
				dirs = append(dirs, dir)
			}
		}
	}
	if len(dirs) != 2 {
		t.Fatalf("scratch folders of the killed process: %v, want one per root", dirs)
	}
	return dirs
}

func treeSize(t *testing.T, root string) int64 {
	t.Helper()
	var n int64
	filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func plantFile(t *testing.T, path string, size int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
		t.Fatal(err)
	}
}

// slowImportArchive is scale s with an 80 MB repository: its import runs
// long enough to be stopped in the middle. It returns the archive and its
// scale.
func slowImportArchive(t *testing.T) ([]byte, generate.Scale) {
	t.Helper()
	sc := generate.Scales["s"]
	sc.RepoBytes = 80 << 20
	var b bytes.Buffer
	if err := generate.Write(context.Background(), &b, sc, 1, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), sc
}

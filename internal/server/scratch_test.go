package server_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferryhq/ferry/internal/scratch"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// leave writes the file root/rel as a process that dies would leave it.
func leave(t *testing.T, root, rel string) {
	t.Helper()
	path := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("left by a crash"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestServer_SweepsScratch pins item 6 of the security issue (a crash
// leaves files forever): at start a server removes the work folders and
// unfinished blob writes of processes that are gone, keeps those of a live
// process, holds folders of its own (owner-only) while it runs, and
// removes them when it stops.
func TestServer_SweepsScratch(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	tmp, blobTmp := filepath.Join(data, "tmp"), filepath.Join(data, "blobs", ".tmp")
	for _, root := range []string{tmp, blobTmp} {
		leave(t, root, "proc-dead/lock")
	}
	leave(t, tmp, "proc-dead/import-1-abc/archive/project.bundle")
	leave(t, blobTmp, "proc-dead/blob-ABCDEFGH-1")
	live, err := scratch.Claim(tmp, "live")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Release()
	leave(t, live.Path, "export-1-abc/project.bundle")

	env := servertest.StartWith(t, servertest.Options{DataDir: data})
	for _, root := range []string{tmp, blobTmp} {
		if exists(filepath.Join(root, "proc-dead")) {
			t.Errorf("%s/proc-dead was not swept", root)
		}
	}
	if !exists(filepath.Join(live.Path, "export-1-abc", "project.bundle")) {
		t.Error("a live process's work folder was swept")
	}
	own := ownFolders(t, tmp, blobTmp, live.Path)
	if len(own) != 2 {
		t.Fatalf("the server's scratch folders: %v, want one per root", own)
	}
	if err := env.Server.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, dir := range own {
		if exists(dir) {
			t.Errorf("%s left after a clean stop", dir)
		}
	}
}

// ownFolders returns the scratch folders under roots other than skip, and
// checks that they are the owner's only.
func ownFolders(t *testing.T, tmp, blobTmp, skip string) []string {
	t.Helper()
	var own []string
	for _, root := range []string{tmp, blobTmp} {
		dirs, _ := filepath.Glob(filepath.Join(root, "proc-*"))
		for _, dir := range dirs {
			if dir == skip {
				continue
			}
			own = append(own, dir)
			if info, err := os.Stat(dir); err != nil {
				t.Error(err)
			} else if info.Mode().Perm() != 0o700 {
				t.Errorf("%s: mode %v, want 0700", dir, info.Mode().Perm())
			}
		}
	}
	return own
}

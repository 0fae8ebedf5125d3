package scratch_test

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ferryhq/ferry/internal/scratch"
)

// plant makes the file root/rel holding size bytes, with its folders.
func plant(t *testing.T, root, rel string, size int) {
	t.Helper()
	path := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
		t.Fatal(err)
	}
}

// age sets the modification time of root/rel to d ago.
func age(t *testing.T, root, rel string, d time.Duration) {
	t.Helper()
	old := time.Now().Add(-d)
	if err := os.Chtimes(filepath.Join(root, rel), old, old); err != nil {
		t.Fatal(err)
	}
}

// aged returns a setup that plants root/rel (size bytes) and makes its
// top entry d old.
func aged(rel string, size int, d time.Duration) func(t *testing.T, root string) {
	return func(t *testing.T, root string) {
		plant(t, root, rel, size)
		age(t, root, strings.Split(rel, "/")[0], d)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// TestSweep pins what a sweep removes (what dead owners left) and what it
// keeps (what a live owner holds, what is too young to judge, and anything
// that is not scratch).
func TestSweep(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		setup   func(t *testing.T, root string) // plants the entry "x"
		removed bool
		bytes   int64
	}{
		{"DeadOwner", func(t *testing.T, root string) {
			// What kill -9 leaves: a lock file nobody holds.
			plant(t, root, "proc-x/lock", 0)
			plant(t, root, "proc-x/import-1-abc/archive/project.bundle", 3000)
			plant(t, root, "proc-x/s3blob-123", 500)
		}, true, 3500},
		{"LiveOwner", func(t *testing.T, root string) {
			// Another process's folder: its lock file is locked.
			plant(t, root, "proc-x/lock", 0)
			plant(t, root, "proc-x/export-1-abc/project.bundle", 3000)
			f, err := os.Open(filepath.Join(root, "proc-x", "lock"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
				t.Fatal(err)
			}
			age(t, root, "proc-x", 48*time.Hour)
		}, false, 0},
		{"OwnFolder", func(t *testing.T, root string) {
			// As on NFS, where this process's own lock would not stop
			// its own sweep: the folder is known to be held all the same.
			d, err := scratch.Claim(root, "x")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Release() })
			if err := os.Rename(filepath.Join(d.Path, "lock"), filepath.Join(d.Path, "lock-elsewhere")); err != nil {
				t.Fatal(err)
			}
			age(t, root, "proc-x", 48*time.Hour)
		}, false, 0},
		{"ClaimedLongAgoWithoutLock", aged("proc-x/lock.claim", 0, time.Hour), true, 0},
		{"BeingClaimed", aged("proc-x/lock.claim", 0, 0), false, 0},
		{"LegacyImportFolder", aged("import-7-abc/archive/tree/project.json", 100, 26*time.Hour), true, 100},
		{"LegacyExportFolder", aged("export-7-abc/project.bundle", 100, 26*time.Hour), true, 100},
		{"LegacySpooledBlob", aged("s3blob-42", 10, 26*time.Hour), true, 10},
		{"LegacyBlobTempFile", aged("blob-ABCDEFGH-42", 10, 26*time.Hour), true, 10},
		// Possibly an older Ferry's running job on a shared folder.
		{"LegacyStillYoung", aged("import-7-abc/archive/VERSION", 5, time.Hour), false, 0},
		{"UnrelatedFile", aged("notes.txt", 10, 100*time.Hour), false, 0},
		{"UnrelatedFolder", aged("keep/lock", 10, 100*time.Hour), false, 0},
		{"FileNamedLikeAFolder", aged("proc-x", 10, 100*time.Hour), false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			tt.setup(t, root)
			before, _ := os.ReadDir(root)
			swept, err := scratch.Sweep(root, scratch.LegacyAge)
			if err != nil {
				t.Fatal(err)
			}
			after, _ := os.ReadDir(root)
			if removed := len(after) < len(before); removed != tt.removed {
				t.Errorf("removed = %v, want %v (left %d of %d entries)", removed, tt.removed, len(after), len(before))
			}
			want := scratch.Swept{}
			if tt.removed {
				want = scratch.Swept{Entries: 1, Bytes: tt.bytes}
			}
			if swept != want {
				t.Errorf("swept %+v, want %+v", swept, want)
			}
		})
	}
}

func TestSweep_MissingRoot(t *testing.T) {
	t.Parallel()
	swept, err := scratch.Sweep(filepath.Join(t.TempDir(), "none"), scratch.LegacyAge)
	if err != nil || swept != (scratch.Swept{}) {
		t.Errorf("Sweep = %+v, %v; want nothing", swept, err)
	}
}

// TestClaim_OwnerOnly pins the modes: the scratch folder and its lock
// file are the owner's only, and a second claim of one name fails.
func TestClaim_OwnerOnly(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "tmp")
	d, err := scratch.Claim(root, "a")
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{root: 0o700, d.Path: 0o700, filepath.Join(d.Path, "lock"): 0o600} {
		if info, err := os.Stat(path); err != nil || info.Mode().Perm()&^want != 0 {
			t.Errorf("%s: mode %v, want at most %v (%v)", path, info.Mode().Perm(), want, err)
		}
	}
	if _, err := scratch.Claim(root, "a"); err == nil {
		t.Error("claimed the same folder twice")
	}
	for _, bad := range []string{"", ".", "..", "a/b", "../x"} {
		if _, err := scratch.Claim(root, bad); err == nil {
			t.Errorf("Claim(%q) succeeded", bad)
		}
	}
	if err := d.Release(); err != nil {
		t.Fatal(err)
	}
	if exists(d.Path) {
		t.Error("Release left the folder")
	}
}

// TestSweep_OtherProcess claims a folder in a child process: a sweep keeps
// it while the child lives and removes it once the child is killed.
func TestSweep_OtherProcess(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperClaim$")
	cmd.Env = append(os.Environ(), "SCRATCH_HELPER_ROOT="+root)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	buf := make([]byte, 64)
	if n, _ := out.Read(buf); !strings.HasPrefix(string(buf[:n]), "claimed") {
		t.Fatalf("helper said %q", buf[:n])
	}
	folder := filepath.Join(root, "proc-child")
	if _, err := scratch.Sweep(root, scratch.LegacyAge); err != nil || !exists(filepath.Join(folder, "work")) {
		t.Fatalf("a live process's folder was swept (%v)", err)
	}
	if live, err := scratch.LiveOwners(root); err != nil || len(live) != 1 || live[0] != folder {
		t.Errorf("live owners %v %v, want %s", live, err, folder)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if live, err := scratch.LiveOwners(root); err != nil || len(live) != 0 {
		t.Errorf("live owners after the owner died: %v %v", live, err)
	}
	if swept, err := scratch.Sweep(root, scratch.LegacyAge); err != nil || exists(folder) || swept.Bytes != 1000 {
		t.Errorf("after the owner died: swept %+v, %v; folder left: %v", swept, err, exists(folder))
	}
}

// TestHelperClaim is the child of TestSweep_OtherProcess: it claims
// proc-child with a file in it, says so, and waits to be killed.
func TestHelperClaim(t *testing.T) {
	root := os.Getenv("SCRATCH_HELPER_ROOT")
	if root == "" {
		t.Skip("helper process only")
	}
	d, err := scratch.Claim(root, "child")
	if err != nil {
		t.Fatal(err)
	}
	plant(t, d.Path, "work", 1000)
	os.Stdout.WriteString("claimed\n")
	time.Sleep(time.Minute)
}

// TestSweeper_Run pins the periodic sweep: a folder left by a dead owner
// after start is gone within a few periods, and After runs each time.
func TestSweeper_Run(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	afters := make(chan struct{}, 100)
	s := &scratch.Sweeper{Roots: []string{root}, Every: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler),
		After: func(context.Context) { afters <- struct{}{} }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	plant(t, root, "proc-dead/lock", 0)
	for deadline := time.Now().Add(5 * time.Second); exists(filepath.Join(root, "proc-dead")); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the periodic sweep never removed the dead folder")
		}
	}
	<-afters
}

package api_test

import (
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestRepository_StreamsLargeFiles pins bounded memory: a 24 MiB file
// goes out raw, in base64 JSON, as a blob and in an archive while the
// process allocates a small part of it, so nothing holds it whole. It
// runs alone (not in parallel) so that the allocations counted are its
// own.
func TestRepository_StreamsLargeFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("pushes and downloads 24 MiB several times")
	}
	env := servertest.Start(t)
	if _, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("big"),
		InitializeWithReadme: gitlab.Ptr(true)}); err != nil {
		t.Fatal(err)
	}
	const size = 24 << 20
	data := make([]byte, size)
	rng := rand.NewChaCha8([32]byte{1})
	_, _ = rng.Read(data) // incompressible, so no stage can shrink it
	dir := filepath.Join(t.TempDir(), "work")
	url := "http://oauth2:" + servertest.RootToken + "@" + strings.TrimPrefix(env.URL, "http://") + "/root/big.git"
	if out, err := git(t, t.TempDir(), "clone", "-q", url, dir); err != nil {
		t.Fatal(out)
	}
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	data = nil
	for _, args := range [][]string{{"add", "."}, {"commit", "-q", "-m", "big"}, {"push", "-q", "origin", "main"}} {
		if out, err := git(t, dir, args...); err != nil {
			t.Fatalf("git %v: %s", args, out)
		}
	}
	blob, _ := git(t, dir, "rev-parse", "HEAD:big.bin")
	base := env.URL + "/api/v4/projects/root%2Fbig/repository"
	for _, path := range []string{"/files/big.bin/raw", "/files/big.bin?ref=main", "/blobs/" + blob + "/raw", "/archive.tar"} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		n := download(t, base+path)
		runtime.ReadMemStats(&after)
		if n < size {
			t.Errorf("%s: %d bytes, want at least %d", path, n, size)
		}
		t.Logf("%s: allocated %d KiB", path, (after.TotalAlloc-before.TotalAlloc)>>10)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/4 {
			t.Errorf("%s: allocated %d MiB for a %d MiB file", path, alloc>>20, size>>20)
		}
	}
}

// download reads url as root into nothing and returns its length.
func download(t *testing.T, url string) int64 {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("PRIVATE-TOKEN", servertest.RootToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s", url, resp.Status)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

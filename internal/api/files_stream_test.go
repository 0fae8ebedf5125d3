package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestFiles_StreamLargeFiles pins bounded memory: a 24 MiB upload and a
// 24 MiB LFS object go out from the blob store while the process
// allocates a small part of them. It runs alone (not in parallel) so that
// the allocations counted are its own.
func TestFiles_StreamLargeFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads 24 MiB twice")
	}
	env := servertest.Start(t)
	p, _, err := env.Root.Projects.CreateProject(&gitlab.CreateProjectOptions{Path: gitlab.Ptr("big"),
		Visibility: gitlab.Ptr(gitlab.PublicVisibility)})
	if err != nil {
		t.Fatal(err)
	}
	const size = 24 << 20
	h := sha256.New()
	storeBlob(t, env, blob.UploadsPrefix(int64(p.ID))+"/"+uploadSecret+"/big.bin", io.TeeReader(bigContent(size), h))
	oid := hex.EncodeToString(h.Sum(nil))
	storeBlob(t, env, blob.LFSPrefix(int64(p.ID))+"/objects/"+oid, bigContent(size))
	for _, path := range []string{"/root/big/uploads/" + uploadSecret + "/big.bin", "/root/big.git/gitlab-lfs/objects/" + oid} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		n := download(t, env.URL+path)
		runtime.ReadMemStats(&after)
		if n != size {
			t.Errorf("%s: %d bytes, want %d", path, n, size)
		}
		t.Logf("%s: allocated %d KiB", path, (after.TotalAlloc-before.TotalAlloc)>>10)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/4 {
			t.Errorf("%s: allocated %d MiB for a %d MiB file", path, alloc>>20, size>>20)
		}
	}
}

// bigContent is size incompressible bytes, made as they are read.
func bigContent(size int64) io.Reader {
	return io.LimitReader(rand.NewChaCha8([32]byte{2}), size)
}

// storeBlob writes r to the server's blob store at key.
func storeBlob(t *testing.T, env *servertest.Env, key string, r io.Reader) {
	t.Helper()
	w, err := env.Server.Blobs.Create(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, r); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

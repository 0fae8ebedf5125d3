package exporter

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"slices"
	"testing"

	"github.com/ferryhq/ferry/internal/archive"
)

// entry reads the file name back from a written archive.
func entry(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("no %s in the archive: %v", name, err)
		}
		if h.Name == "./"+name {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}

func TestSpool(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		chunks    []int
		wantFiles int // scratch files while the spool is open
	}{
		{"Empty", nil, 0},
		{"Small", []int{10, 20}, 0},
		{"ExactlyInMemory", []int{spoolMemory - 1, 1}, 0},
		{"SpillsOneByteOver", []int{spoolMemory, 1}, 1},
		{"Large", []int{1 << 20, 3 << 20, 2 << 20, 5}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			sp := newSpool(dir)
			var want bytes.Buffer
			for i, n := range tt.chunks {
				chunk := bytes.Repeat([]byte{byte('a' + i)}, n)
				want.Write(chunk)
				if _, err := sp.Write(chunk); err != nil {
					t.Fatal(err)
				}
			}
			if files, _ := os.ReadDir(dir); len(files) != tt.wantFiles {
				t.Errorf("%d scratch files, want %d", len(files), tt.wantFiles)
			}
			var out bytes.Buffer
			aw := archive.NewWriter(&out)
			if err := sp.addTo(aw, "tree/project/r.ndjson"); err != nil {
				t.Fatal(err)
			}
			if err := aw.Close(); err != nil {
				t.Fatal(err)
			}
			if err := sp.Close(); err != nil {
				t.Fatal(err)
			}
			if got := entry(t, out.Bytes(), "tree/project/r.ndjson"); !bytes.Equal(got, want.Bytes()) {
				t.Errorf("entry of %d bytes, want %d", len(got), want.Len())
			}
			if files, _ := os.ReadDir(dir); len(files) != 0 {
				t.Errorf("Close left %d scratch files", len(files))
			}
		})
	}
}

// TestSpool_Reused pins that one spool serves relation after relation: a
// relation that spilled to disk, then a small one, then a large one again.
func TestSpool_Reused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sp := newSpool(dir)
	var out bytes.Buffer
	aw := archive.NewWriter(&out)
	want := map[string][]byte{}
	for i, n := range []int{spoolMemory + 10, 7, 2*spoolMemory + 1, 0} {
		if err := sp.reset(); err != nil {
			t.Fatal(err)
		}
		data := bytes.Repeat([]byte{byte('a' + i)}, n)
		name := "tree/project/r" + itoa(int64(i)) + ".ndjson"
		want[name] = data
		for chunk := range slices.Chunk(data, 1000) {
			if _, err := sp.Write(chunk); err != nil {
				t.Fatal(err)
			}
		}
		if err := sp.addTo(aw, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	if files, _ := os.ReadDir(dir); len(files) != 1 {
		t.Errorf("%d scratch files, want the one reused", len(files))
	}
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	for name, data := range want {
		if got := entry(t, out.Bytes(), name); !bytes.Equal(got, data) {
			t.Errorf("%s: %d bytes, want %d", name, len(got), len(data))
		}
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("Close left %d scratch files", len(files))
	}
}

package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileTar is a gzip-compressed tar of VERSION and then entry.
func hostileTar(t *testing.T, entry *tar.Header, data string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range []struct {
		h    *tar.Header
		data string
	}{{&tar.Header{Name: "VERSION", Mode: 0o600, Size: 5, Typeflag: tar.TypeReg}, "0.2.4"}, {entry, data}} {
		if err := tw.WriteHeader(e.h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	gz.Close()
	return buf.Bytes()
}

// TestCLI_ArchiveValidateHostile pins that `archive validate` and
// `archive inspect` refuse hostile archives with the server's refusals
// (links, paths out of the folder, devices), exit 1, and write nothing
// outside their temporary folder, which they remove.
func TestCLI_ArchiveValidateHostile(t *testing.T) {
	t.Parallel()
	bin, dir, tmp := buildFerry(t), t.TempDir(), t.TempDir()
	for _, tt := range []struct {
		name  string
		entry *tar.Header
		data  string
		want  string
	}{
		{"Symlink", &tar.Header{Name: "tree", Linkname: "/etc", Typeflag: tar.TypeSymlink}, "", "links are not allowed"},
		{"HardLink", &tar.Header{Name: "project.bundle", Linkname: "/etc/passwd", Typeflag: tar.TypeLink}, "", "links are not allowed"},
		{"DotDot", &tar.Header{Name: "../../evil", Mode: 0o600, Size: 4, Typeflag: tar.TypeReg}, "evil", "insecure path"},
		{"Absolute", &tar.Header{Name: "/tmp/evil", Mode: 0o600, Size: 4, Typeflag: tar.TypeReg}, "evil", "insecure path"},
		{"Device", &tar.Header{Name: "dev", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3}, "", "special files are not allowed"},
		{"Duplicate", &tar.Header{Name: "./VERSION", Mode: 0o600, Size: 5, Typeflag: tar.TypeReg}, "0.2.4", "duplicate entry"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(dir, tt.name+".tar.gz")
			if err := os.WriteFile(file, hostileTar(t, tt.entry, tt.data), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, sub := range []string{"validate", "inspect"} {
				out, code := runCLI(t, bin, dir, nil, "archive", sub, "--tmp", tmp, file)
				if code != 1 || !strings.Contains(out, "an import would fail: Unable to decompress the archive") ||
					!strings.Contains(out, tt.want) {
					t.Errorf("%s: exit %d, want 1 with %q:\n%s", sub, code, tt.want, out)
				}
			}
		})
	}
	t.Cleanup(func() {
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("left in the temporary folder: %s", left[0].Name())
		}
		if _, err := os.Lstat(filepath.Join(filepath.Dir(tmp), "evil")); err == nil {
			t.Error("an entry was written outside the temporary folder")
		}
	})
}

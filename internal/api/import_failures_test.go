package api_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestProjectImport_ArchiveFailures pins that unreadable and hostile
// archives (traversal, links, a decompression bomb) fail the import with a
// clear import_error and leave nothing behind.
func TestProjectImport_ArchiveFailures(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0)),
		MaxDecompressedArchiveSize: gitlab.Ptr(int64(1))})
	for _, tt := range []struct {
		name      string
		data      []byte
		wantError string
	}{
		{"NotGzip", []byte("this is not an archive"), "Unable to decompress the archive"},
		{"WrongVersion", fixtureArchive(t, "0.1.0", nil), "Import version mismatch: Required 0.2.4 but was 0.1.0 (Ferry also reads 0.2.0 to 0.2.3)"},
		{"NoVersion", rawTar(t, tarEntry{name: "tree/project.json", body: "{}"}), "The archive has no VERSION file"},
		{"BadVersion", fixtureArchive(t, "garbage", nil), "Incorrect VERSION format"},
		{"BadBundle", fixtureArchive(t, "0.2.4", map[string][]byte{"project.bundle": []byte("# v2 git bundle\nnonsense")}),
			"project.bundle: Invalid bundle file"},
		{"BadLine", fixtureArchive(t, "0.2.4", map[string][]byte{"tree/project/zz_extra.ndjson": []byte("{not json}\n")}),
			"Incorrect JSON format"},
		{"PathTraversal", rawTar(t, tarEntry{name: "VERSION", body: "0.2.4"}, tarEntry{name: "../../escaped", body: "x"}),
			"insecure"},
		{"Symlink", rawTar(t, tarEntry{name: "VERSION", body: "0.2.4"}, tarEntry{name: "tree", link: "/etc"}), "link"},
		{"GzipBomb", rawTar(t, tarEntry{name: "VERSION", body: "0.2.4"}, tarEntry{name: "zeros", body: strings.Repeat("\x00", 3<<20)}),
			"Decompressed archive size validation failed."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := importArchive(t, env, servertest.RootToken, "a.tar.gz", tt.data,
				map[string]string{"path": strings.ToLower(tt.name)})
			if status != 201 {
				t.Fatalf("%d %s", status, body)
			}
			st := waitImport(t, env, servertest.RootToken, projectID(t, body))
			if st.ImportStatus != "failed" || st.ImportError == nil || !strings.Contains(*st.ImportError, tt.wantError) {
				t.Errorf("status %s error %v, want failed with %q", st.ImportStatus, deref(st.ImportError), tt.wantError)
			}
			if left, _ := filepath.Glob(filepath.Join(env.DataDir, "tmp", "*", "import-*")); len(left) != 0 {
				t.Errorf("work folders left: %v", left)
			}
			if _, err := os.Stat(filepath.Join(env.DataDir, "escaped")); err == nil {
				t.Error("an entry escaped the work folder")
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

type tarEntry struct{ name, body, link string }

// rawTar builds a .tar.gz with exactly the given entries (no checks), for
// hostile archives.
func rawTar(t *testing.T, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		if e.link != "" {
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(e.body))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

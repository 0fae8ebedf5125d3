package api_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestProjectImport_DecompressTimeout pins that decompress_archive_file_timeout
// bounds the extraction, as GitLab bounds its decompression: an archive
// that takes longer fails the import for good (one attempt) with GitLab's
// message and leaves nothing in the work folder; 0 is no limit.
func TestProjectImport_DecompressTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("decompresses gigabytes")
	}
	t.Parallel()
	env := servertest.Start(t)
	setAdmin(t, env, &gitlab.UpdateSettingsOptions{ProjectImportLimit: gitlab.Ptr(int64(0)),
		MaxDecompressedArchiveSize: gitlab.Ptr(int64(0)), DecompressArchiveFileTimeout: gitlab.Ptr(int64(1))})
	status, body := importArchive(t, env, servertest.RootToken, "slow.tar.gz", slowArchive(t, 32), map[string]string{"path": "slow"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	id := projectID(t, body)
	st := waitImport(t, env, servertest.RootToken, id)
	if st.ImportStatus != "failed" || deref(st.ImportError) != "Decompressed archive size validation failed." {
		t.Errorf("status %s error %q, want failed with GitLab's message", st.ImportStatus, deref(st.ImportError))
	}
	if attempt, state := importJob(t, env); attempt != 1 || state != "cancelled" {
		t.Errorf("import job: attempt %d, state %s; want one attempt, cancelled (not to be retried)", attempt, state)
	}
	if left, _ := filepath.Glob(filepath.Join(env.DataDir, "tmp", "*", "import-*")); len(left) != 0 {
		t.Errorf("work folders left: %v", left)
	}

	setAdmin(t, env, &gitlab.UpdateSettingsOptions{DecompressArchiveFileTimeout: gitlab.Ptr(int64(0))})
	status, body = importArchive(t, env, servertest.RootToken, "a.tar.gz", fixtureArchive(t, "0.2.4", nil), map[string]string{"path": "nolimit"})
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	if st := waitImport(t, env, servertest.RootToken, projectID(t, body)); st.ImportStatus != "finished" {
		t.Errorf("with no timeout: %s %s", st.ImportStatus, deref(st.ImportError))
	}
}

// importJob waits for the only import job to stop running and returns its
// attempt and state.
func importJob(t *testing.T, env *servertest.Env) (attempt int, state string) {
	t.Helper()
	return queueJob(t, env, "project_import")
}

// queueJob returns the attempt and state of the newest queue job of
// kind, once it is not running.
func queueJob(t *testing.T, env *servertest.Env, kind string) (attempt int, state string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		err := env.Server.DB.SQL().QueryRow(`SELECT attempt, state FROM river_job WHERE kind = '`+kind+`'
			ORDER BY id DESC LIMIT 1`).Scan(&attempt, &state)
		if err != nil {
			t.Fatal(err)
		}
		if state != "running" {
			break
		}
	}
	return attempt, state
}

// slowArchive is a valid archive whose gzip stream goes on, after the end
// of the tar, with gib GiB of zeros: extracting it decompresses them all
// (to check the stream) but writes nothing, so it takes seconds of one
// core on any machine, from about gib MB of archive.
func slowArchive(t *testing.T, gib int) []byte {
	t.Helper()
	return slowArchiveOf(t, gib, tarEntry{name: "VERSION", body: "0.2.4"},
		tarEntry{name: "tree/project.json", body: `{"description":"slow"}`})
}

// slowArchiveOf is slowArchive with entries as the tar's.
func slowArchiveOf(t *testing.T, gib int, entries ...tarEntry) []byte {
	t.Helper()
	out := bytes.NewBuffer(rawTar(t, entries...))
	var zeros bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zeros, gzip.BestCompression)
	zw.Write(make([]byte, 64<<20))
	zw.Close()
	for range gib * 16 { // gzip readers read concatenated members as one stream
		out.Write(zeros.Bytes())
	}
	return out.Bytes()
}

package archive

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var sentinels = map[string]error{
	"ErrInsecurePath": ErrInsecurePath, "ErrLink": ErrLink, "ErrSpecialFile": ErrSpecialFile,
	"ErrTooLarge": ErrTooLarge, "ErrTooManyEntries": ErrTooManyEntries, "ErrDuplicate": ErrDuplicate,
	"ErrNotGzip": ErrNotGzip, "ErrCorrupt": ErrCorrupt,
}

func hostileCases(t testing.TB) []hostileCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "hostile", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no hostile cases: %v", err)
	}
	var cases []hostileCase
	for _, f := range files {
		cases = append(cases, parseCase(t, f))
	}
	return cases
}

// extractInto extracts data into base/x and checks that nothing but x
// exists in base afterwards.
func extractInto(t testing.TB, data io.Reader, lim Limits) (Manifest, string, error) {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "x")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	m, err := Extract(context.Background(), data, dir, lim)
	for _, p := range listAll(t, base) {
		if p != "x" && !strings.HasPrefix(p, "x/") {
			t.Fatalf("written outside the extraction dir: %q", p)
		}
	}
	return m, dir, err
}

func TestExtractHostile(t *testing.T) {
	outside := []string{"/etc/x", "/tmp/x", "/etc/passwd.ferry"}
	existed := map[string]bool{}
	for _, p := range outside {
		_, err := os.Lstat(p)
		existed[p] = err == nil
	}
	for _, c := range hostileCases(t) {
		t.Run(c.name, func(t *testing.T) {
			data := buildCase(t, c)
			m, dir, err := extractInto(t, bytes.NewReader(data), c.lim)
			if err == nil {
				t.Fatalf("Extract succeeded, want %v; manifest %+v", c.want, m.Entries)
			}
			ok := false
			for _, w := range c.want {
				s, known := sentinels[w]
				if !known {
					t.Fatalf("unknown sentinel %q", w)
				}
				ok = ok || errors.Is(err, s)
			}
			if !ok {
				t.Fatalf("Extract error = %v, want %v", err, c.want)
			}
			if got := listAll(t, dir); len(got) != 0 {
				t.Errorf("extraction dir not empty after error: %q", got)
			}
			if m.Entries != nil {
				t.Errorf("manifest not zero after error")
			}
			var fe *FileError
			if errors.As(err, &fe) && fe.Path == "" {
				t.Errorf("FileError without path: %v", err)
			}
			t.Logf("%v", err)
		})
	}
	for _, p := range outside {
		if _, err := os.Lstat(p); err == nil && !existed[p] {
			t.Errorf("%s was created", p)
		}
	}
}

// The error names the entry and the link target.
func TestExtractFileErrorNamesEntry(t *testing.T) {
	c := hostileCase{entries: []testEntry{{name: "./evil", typ: "symlink", target: "/etc"}}}
	_, _, err := extractInto(t, bytes.NewReader(buildCase(t, c)), Limits{})
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != "./evil" || !errors.Is(err, ErrLink) {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), `"./evil"`) || !strings.Contains(err.Error(), "/etc") {
		t.Errorf("message %q does not name the entry and target", err)
	}
}

// A symbolic link already in the extraction dir is never followed.
func TestExtractPreexistingSymlink(t *testing.T) {
	base := t.TempDir()
	dir, outside := filepath.Join(base, "x"), filepath.Join(base, "outside")
	for _, d := range []string{dir, outside} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Skip("no symlinks:", err)
	}
	if err := os.Symlink("inside", filepath.Join(dir, "rel")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"link/x", "./link/x", "link", "rel", "rel/y"} {
		c := hostileCase{entries: []testEntry{{name: "ok", typ: "file"}, {name: name, typ: "file", data: []byte("pwned")}}}
		_, err := Extract(context.Background(), bytes.NewReader(buildCase(t, c)), dir, Limits{})
		if !errors.Is(err, ErrInsecurePath) && !errors.Is(err, ErrDuplicate) {
			t.Errorf("%s: err = %v, want ErrInsecurePath or ErrDuplicate", name, err)
		}
		if got := listAll(t, outside); len(got) != 0 {
			t.Fatalf("%s: written through the symlink: %q", name, got)
		}
		if got := listAll(t, dir); !cmp.Equal(got, []string{"link", "rel"}) {
			t.Fatalf("%s: dir holds %q after error", name, got)
		}
	}
}

func TestExtractCanceled(t *testing.T) {
	c := hostileCase{entries: []testEntry{{name: "a", typ: "file", data: []byte("a")}}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	if _, err := Extract(ctx, bytes.NewReader(buildCase(t, c)), dir, Limits{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := listAll(t, dir); len(got) != 0 {
		t.Fatalf("dir holds %q", got)
	}
}

func TestExtractCanceledMidStream(t *testing.T) {
	noise := make([]byte, 4<<20)
	rand.New(rand.NewSource(1)).Read(noise)
	c := hostileCase{entries: []testEntry{{name: "a", typ: "file", data: []byte("a")},
		{name: "b", typ: "file", data: noise}}}
	data := buildCase(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	go func() {
		pw.Write(data[:len(data)/2])
		cancel()
		pw.Write(data[len(data)/2:])
		pw.Close()
	}()
	dir := t.TempDir()
	_, err := Extract(ctx, pr, dir, Limits{})
	pr.Close()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := listAll(t, dir); len(got) != 0 {
		t.Fatalf("dir holds %q", got)
	}
}

func TestExtractEmpty(t *testing.T) {
	m, _, err := extractInto(t, bytes.NewReader(nil), Limits{})
	if !errors.Is(err, ErrNotGzip) {
		t.Fatalf("empty input: err = %v, %+v", err, m)
	}
}

// countingReader counts the compressed bytes Extract consumed.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// A multi-GiB bomb: one file claiming 6 GiB, as concatenated gzip members
// of 1 MiB of zeros each (about 6 MiB compressed). Extract must stop at
// the limit, having read only a little of the input, and clean up.
func TestExtractBigBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-GiB bomb skipped in -short mode")
	}
	const size = 6 << 30
	var hdr bytes.Buffer
	tw := tar.NewWriter(&hdr)
	if err := tw.WriteHeader(&tar.Header{Name: "./project.bundle", Typeflag: tar.TypeReg, Mode: 0o600, Size: size}); err != nil {
		t.Fatal(err)
	}
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	parts := []io.Reader{bytes.NewReader(gzipBytes(t, hdr.Bytes()))}
	for range size >> 20 {
		parts = append(parts, bytes.NewReader(member.Bytes()))
	}
	total := int64(len(parts)-1) * int64(member.Len())
	in := &countingReader{r: io.MultiReader(parts...)}
	_, dir, err := extractInto(t, in, Limits{MaxDecompressed: 64 << 20})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if err.Error() == "" || !strings.Contains(err.Error(), "Decompressed archive size validation failed.") {
		t.Errorf("message %q", err)
	}
	if in.n > total/10 {
		t.Errorf("read %d of %d compressed bytes before refusing", in.n, total)
	}
	if got := listAll(t, dir); len(got) != 0 {
		t.Fatalf("dir holds %q", got)
	}
}

// fixtureDir is GitLab's complex fixture (see testdata/gitlab/NOTICE).
var fixtureDir = filepath.Join("..", "..", "testdata", "gitlab", "complex")

// goodArchive builds a GitLab-style export (with "./" names) from GitLab's
// "complex" fixture tree in the repository's testdata. It returns the archive and the tree's
// relation files (relative path -> content).
func goodArchive(t testing.TB) ([]byte, map[string][]byte) {
	t.Helper()
	src := fixtureDir
	if _, err := os.Stat(filepath.Join(src, "tree", "project.json")); err != nil {
		t.Fatalf("fixture tree %s missing: %v", src, err)
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(filepath.Join(src, "tree"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	entries := []testEntry{{name: "./", typ: "dir"}, {name: "./VERSION", typ: "file", data: []byte("0.2.4\n")},
		{name: "./tree/", typ: "dir"}, {name: "./tree/project/", typ: "dir"}}
	for _, n := range names {
		entries = append(entries, testEntry{name: "./" + n, typ: "file", data: files[n]})
	}
	entries = append(entries,
		testEntry{name: "./project.bundle", typ: "file", data: []byte("# v2 git bundle\n")},
		testEntry{name: "./lfs-objects.json", typ: "file", data: []byte("{}")},
		testEntry{name: "./uploads/0123456789abcdef/file.txt", typ: "file", data: []byte("upload")},
		testEntry{name: "./GITLAB_VERSION", typ: "file", data: []byte("17.0.0\n")})
	raw, _ := buildTar(t, entries)
	return gzipBytes(t, raw), files
}

func TestExtractGood(t *testing.T) {
	data, files := goodArchive(t)
	m, dir, err := extractInto(t, bytes.NewReader(data), Limits{MaxDecompressed: 64 << 20, MaxEntries: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !m.HasVersion || !m.HasTree || !m.HasBundle || !m.HasLFSIndex || m.HasLegacyProjectJSON || m.HasWikiBundle || m.HasDesignBundle {
		t.Errorf("manifest flags: %+v", m)
	}
	if e, ok := m.Lookup("tree/project/issues.ndjson"); !ok || e.Size != int64(len(files["tree/project/issues.ndjson"])) {
		t.Errorf("Lookup issues = %+v, %v", e, ok)
	}
	if e, ok := m.Lookup("uploads/0123456789abcdef"); !ok || !e.Dir {
		t.Errorf("implicit parent dir not in manifest: %+v %v", e, ok)
	}
	for _, e := range m.Entries {
		fi, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(e.Path)))
		if err != nil || fi.IsDir() != e.Dir || !e.Dir && fi.Size() != e.Size {
			t.Errorf("%+v: %v %v", e, fi, err)
		}
		if want := os.FileMode(0o600); !e.Dir && fi.Mode().Perm()&^want != 0 {
			t.Errorf("%s mode %v", e.Path, fi.Mode())
		}
	}
	if got := len(listAll(t, dir)); got != len(m.Entries) {
		t.Errorf("%d paths on disk, %d in manifest", got, len(m.Entries))
	}
	if err := CheckVersion(dir); err != nil {
		t.Errorf("CheckVersion: %v", err)
	}
	attrs, err := ReadProjectJSON(dir)
	if err != nil || string(attrs["import_type"]) != `"gitlab_project"` {
		t.Errorf("ReadProjectJSON = %v, %v", attrs, err)
	}
	rels, err := Relations(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"labels", "milestones", "issues", "snippets", "releases", "project_members",
		"merge_requests", "external_pull_requests", "commit_notes", "ci_pipelines", "auto_devops",
		"pipeline_schedules", "container_expiration_policy", "protected_branches", "protected_tags",
		"protected_environments", "project_feature", "custom_attributes", "project_badges", "ci_cd_settings",
		"error_tracking_setting", "boards", "design_management_repository", "services", "triggers", "vulnerabilities"}
	if diff := cmp.Diff(want, rels); diff != "" {
		t.Errorf("Relations (-want +got):\n%s", diff)
	}
	for _, rel := range rels {
		content := files["tree/project/"+rel+".ndjson"]
		wantN := bytes.Count(content, []byte("\n"))
		if len(content) > 0 && content[len(content)-1] != '\n' {
			wantN++ // last record without newline
		}
		if got := countRecords(t, dir, rel); got != wantN {
			t.Errorf("%s: %d records, want %d", rel, got, wantN)
		}
	}
}

func countRecords(t *testing.T, dir, rel string) int {
	t.Helper()
	r, err := OpenRelation(dir, rel)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for {
		line, raw, err := r.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		var obj map[string]any
		if err := json.Unmarshal(raw, &obj); err != nil || line != n {
			t.Fatalf("%s line %d (record %d): %v", rel, line, n, err)
		}
		n++
	}
}

// The package's own Writer produces archives Extract accepts.
func TestWriterRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for name, data := range map[string]string{VersionFile: Version, ProjectFile: `{"name":"p"}`,
		RelationDir + "/labels.ndjson": "{\"id\":1}\n{\"id\":2}\n", BundleFile: "bundle"} {
		if err := w.AddBytes(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	m, dir, err := extractInto(t, &buf, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !m.HasVersion || !m.HasTree || !m.HasBundle || CheckVersion(dir) != nil || countRecords(t, dir, "labels") != 2 {
		t.Errorf("round trip: %+v", m)
	}
}

func FuzzExtract(f *testing.F) {
	for _, c := range hostileCases(f) {
		f.Add(buildCase(f, c))
	}
	data, _ := goodArchive(f)
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, dir, err := extractInto(t, bytes.NewReader(data), Limits{MaxDecompressed: 16 << 20, MaxEntries: 1000})
		got := listAll(t, dir)
		if err != nil {
			if len(got) != 0 {
				t.Fatalf("error %v but dir holds %q", err, got)
			}
			return
		}
		if len(got) != len(m.Entries) {
			t.Fatalf("%d paths on disk, %d in manifest", len(got), len(m.Entries))
		}
		for _, p := range got {
			e, ok := m.Lookup(p)
			fi, lerr := os.Lstat(filepath.Join(dir, filepath.FromSlash(p)))
			if !ok || lerr != nil || fi.IsDir() != e.Dir || !fi.IsDir() && !fi.Mode().IsRegular() {
				t.Fatalf("%s: manifest %+v %v, disk %v %v", p, e, ok, fi, lerr)
			}
		}
	})
}

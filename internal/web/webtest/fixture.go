package webtest

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// Files are a small repository's files on its default branch, master.
var Files = map[string]string{
	"README.md":     "# Fixture project\n\nImported by **Ferry**'s web tests.\n\n![logo](/uploads/0123456789abcdef0123456789abcdef/logo.png)\n",
	"docs/guide.md": "# Guide\n\nRead me.\n",
	"src/main.go":   "package main\n\nfunc main() {\n\tprintln(\"hello from ferry\")\n}\n",
}

// fixtureTree is GitLab's complex fixture (see testdata/gitlab/NOTICE).
func fixtureTree(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "gitlab", "complex", "tree")
	if _, err := os.Stat(filepath.Join(dir, "project.json")); err != nil {
		t.Fatalf("GitLab fixture: %v", err)
	}
	return dir
}

// ImportFixture imports GitLab's complex fixture, with a repository
// holding Files, as root under root's namespace at path, waits for the
// import to finish and returns the project.
func ImportFixture(t testing.TB, env *servertest.Env, path string) *gitlab.Project {
	t.Helper()
	return ImportEditedFixture(t, env, path, nil)
}

// ImportEditedFixture imports the fixture as ImportFixture does, each of
// its files (by its path in the archive, "tree/project/issues.ndjson")
// passed through edit first when edit is not nil.
func ImportEditedFixture(t testing.TB, env *servertest.Env, path string, edit func(name string, data []byte) []byte) *gitlab.Project {
	t.Helper()
	return ImportArchive(t, env, fixtureArchive(t, edit), path)
}

// ImportArchive imports the export archive data at path (in root's
// namespace) through the API, waits for it to finish and returns the
// project.
func ImportArchive(t testing.TB, env *servertest.Env, data []byte, path string) *gitlab.Project {
	t.Helper()
	st, _, err := env.Root.ProjectImportExport.ImportFromFile(bytes.NewReader(data),
		&gitlab.ImportFileOptions{Path: gitlab.Ptr(path)})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		st, _, err = env.Root.ProjectImportExport.ImportStatus(st.ID)
		if err != nil {
			t.Fatalf("import status: %v", err)
		}
		if st.ImportStatus == "finished" {
			break
		}
		if st.ImportStatus == "failed" || time.Now().After(deadline) {
			t.Fatalf("import of %s: %s %s", path, st.ImportStatus, st.ImportError)
		}
	}
	p, _, err := env.Root.Projects.GetProject(st.ID, nil)
	if err != nil {
		t.Fatalf("get project: %v", err)
	}
	return p
}

// FixtureArchive packs VERSION, the fixture's tree and a bundle of Files:
// an export archive (.tar.gz).
func FixtureArchive(t testing.TB) []byte { return fixtureArchive(t, nil) }

// fixtureArchive is FixtureArchive with each file passed through edit
// first when edit is not nil.
func fixtureArchive(t testing.TB, edit func(name string, data []byte) []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	aw := archive.NewWriter(&buf)
	if err := aw.AddBytes("VERSION", []byte("0.2.4")); err != nil {
		t.Fatal(err)
	}
	tree := fixtureTree(t)
	err := filepath.WalkDir(tree, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(filepath.Dir(tree), path)
		if edit != nil {
			b = edit(filepath.ToSlash(rel), b)
		}
		return aw.AddBytes(filepath.ToSlash(rel), b)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := aw.AddBytes("project.bundle", bundle(t)); err != nil {
		t.Fatal(err)
	}
	if err := aw.AddBytes("uploads/"+UploadSecret+"/logo.png", logoPNG(t)); err != nil {
		t.Fatal(err)
	}
	if err := aw.AddBytes("project.wiki.bundle", gitBundle(t, WikiFiles, [][]string{{"commit", "-q", "-m", "Wiki pages"}})); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// UploadSecret is the folder of the fixture's one upload, logo.png (a
// small image), which README.md shows.
const UploadSecret = "0123456789abcdef0123456789abcdef"

// logoPNG is a 4×4 PNG image.
func logoPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// WikiFiles are the fixture wiki's pages.
var WikiFiles = map[string]string{
	"home.md":         "# Welcome\n\nThe fixture's **wiki** home.\n",
	"guides/setup.md": "Set up with `ferry serve`.\n",
}

// bundle commits Files on master, tags v1.0 and the fixture's releases
// (release-1.0 to 1.2, the last annotated), adds a branch feature/web,
// and returns the repository's bundle.
func bundle(t testing.TB) []byte {
	t.Helper()
	return gitBundle(t, Files, [][]string{{"commit", "-q", "-m", "Add the fixture files"},
		{"tag", "v1.0"}, {"tag", "release-1.0"}, {"tag", "release-1.1"}, {"tag", "-a", "-m", "Release 1.2", "release-1.2"},
		{"checkout", "-q", "-b", "feature/web"}, {"commit", "-q", "--allow-empty", "-m", "Feature work"},
		{"checkout", "-q", "master"}})
}

// gitBundle adds files to a new repository on master, runs the git
// commands steps and returns a bundle of every ref.
func gitBundle(t testing.TB, files map[string]string, steps [][]string) []byte {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	steps = append([][]string{{"init", "-q", "-b", "master"}, {"add", "."}}, steps...)
	for _, args := range append(steps, []string{"bundle", "create", "-q", ".git/fixture.bundle", "--all"}) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ferry Test", "GIT_AUTHOR_EMAIL=test@example.com",
			"GIT_COMMITTER_NAME=Ferry Test", "GIT_COMMITTER_EMAIL=test@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, ".git", "fixture.bundle"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

package exporter

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/repos"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// treeProject is a stored project with a repository whose relations are
// GitLab's fixture files rels repeated copies times (extra records
// appended), and the size of those records.
func treeProject(tb testing.TB, copies int, rels []string, extra map[string][]byte) (*Worker, ferry.Project, *ferry.Export, int64) {
	tb.Helper()
	ctx, db := context.Background(), storetest.Open(tb)
	u, p := newProject(tb, db)
	w := &Worker{DB: db, Repos: &repos.Store{Root: tb.TempDir()}, Logger: discard()}
	if err := w.Repos.Create(ctx, p.ID, "main", nil); err != nil {
		tb.Fatal(err)
	}
	var total int64
	for _, rel := range rels {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gitlab", "complex", "tree", "project", rel+".ndjson"))
		if err != nil {
			tb.Fatal(err)
		}
		lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
		var batch []string
		for range copies {
			for _, line := range lines {
				batch = append(batch, string(line))
			}
		}
		if extra[rel] != nil {
			batch = append(batch, string(extra[rel]))
		}
		err = db.Tx(ctx, func(tx *store.Tx) error { return tx.InsertRelationRecords(ctx, p.ID, rel, 0, batch) })
		if err != nil {
			tb.Fatal(err)
		}
		total += int64(copies) * int64(len(data))
	}
	return w, p, &ferry.Export{ProjectID: p.ID, UserID: u.ID}, total
}

// tarNames lists the entries of a .tar.gz.
func tarNames(t *testing.T, data []byte) []string {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tr := tar.NewReader(gz); ; {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
}

// TestWriteTree_Relations pins the relation files: GitLab's tree order,
// relations GitLab no longer exports left out, defaults for the single
// relations every project has, project_members always.
func TestWriteTree_Relations(t *testing.T) {
	t.Parallel()
	w, p, e, _ := treeProject(t, 1, []string{"triggers", "services", "issues", "labels", "ci_cd_settings"}, nil)
	var out bytes.Buffer
	aw := archive.NewWriter(&out)
	if err := w.writeTree(context.Background(), aw, p, e, t.TempDir(), nil); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"./", "./tree/", "./tree/project.json", "./tree/project/", "./tree/project/labels.ndjson",
		"./tree/project/issues.ndjson", "./tree/project/project_members.ndjson",
		"./tree/project/project_feature.ndjson", "./tree/project/ci_cd_settings.ndjson"}
	if got := tarNames(t, out.Bytes()); !slices.Equal(got, want) {
		t.Errorf("entries\n%v\nwant\n%v", got, want)
	}
}

// TestWriteTree_Errors pins that a failure while a relation is spooled or
// written fails the export, naming the relation, and leaves no scratch
// file behind.
func TestWriteTree_Errors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		extra map[string][]byte
		out   io.Writer
		want  string
	}{
		{"BadRecord", map[string][]byte{"merge_requests": []byte(`{"title":"broken`)}, io.Discard,
			"export merge_requests: filter merge_requests record"},
		{"WriterFails", nil, &failingWriter{after: 64 << 10}, "disk full"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, p, e, _ := treeProject(t, 200, []string{"issues", "merge_requests"}, tt.extra)
			scratch := t.TempDir()
			aw := archive.NewWriter(tt.out)
			err := w.writeTree(context.Background(), aw, p, e, scratch, nil)
			if err == nil {
				err = aw.Close()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want %q", err, tt.want)
			}
			if files, _ := os.ReadDir(scratch); len(files) != 0 {
				t.Errorf("%d scratch files left", len(files))
			}
		})
	}
}

// failingWriter fails once after bytes have passed.
type failingWriter struct{ after int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after -= len(p); f.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// BenchmarkWriteTree exports the tree of a project holding about 55 MB of
// GitLab's fixture records (merge requests with diffs, issues, pipelines)
// into an archive that is thrown away, reporting stored bytes per second.
func BenchmarkWriteTree(b *testing.B) {
	w, p, e, total := treeProject(b, 250, []string{"issues", "merge_requests", "ci_pipelines"}, nil)
	b.SetBytes(total)
	for b.Loop() {
		aw := archive.NewWriter(io.Discard)
		if err := w.writeTree(context.Background(), aw, p, e, b.TempDir(), nil); err != nil {
			b.Fatal(err)
		}
		if err := aw.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteTree_Members pins project_members: the stored records first,
// as filtered (a private email left out, and not made public_email in a
// non-administrator's export), then Ferry's own members that those do
// not name; the personal namespace's owner, already stored, is not
// written twice.
func TestWriteTree_Members(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w, p, e, _ := treeProject(t, 0, nil, nil)
	db := w.DB
	dev := ferry.User{Username: "dev", Name: "Dev", Email: "dev@example.com"}
	if err := db.CreateUser(ctx, &dev); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMember(ctx, &ferry.Member{SourceKind: ferry.MemberOfProject, SourceID: p.ID, User: dev,
		AccessLevel: ferry.Developer}); err != nil {
		t.Fatal(err)
	}
	stored := []string{
		`{"access_level":40,"source_type":"Project","user":{"id":91,"username":"u","public_email":""}}`,
		`{"access_level":30,"source_type":"Project","user":{"id":92,"username":"stranger","email":"s@example.com"}}`,
	}
	if err := db.Tx(ctx, func(tx *store.Tx) error {
		return tx.InsertRelationRecords(ctx, p.ID, "project_members", 0, stored)
	}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	aw := archive.NewWriter(&out)
	if err := w.writeTree(ctx, aw, p, e, t.TempDir(), nil); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(entry(t, out.Bytes(), "tree/project/project_members.ndjson")), "\n")
	want := []string{
		`{"access_level":40,"source_type":"Project","user":{"id":91,"username":"u","public_email":""}}` + "\n",
		`{"access_level":30,"source_type":"Project","user":{"id":92,"username":"stranger"}}` + "\n",
		`"user":{"id":` + itoa(dev.ID) + `,"public_email":"","username":"dev"}}` + "\n", // Ferry's, after
		"",
	}
	if len(lines) != len(want) || lines[0] != want[0] || lines[1] != want[1] || !strings.HasSuffix(lines[2], want[2]) ||
		!strings.HasPrefix(lines[2], `{"access_level":30,`) {
		t.Errorf("project_members\n%s\nwant\n%s", strings.Join(lines, ""), strings.Join(want, ""))
	}
}

package exporter

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/repos"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// treeBench is a stored project whose relations are GitLab's fixture
// records repeated copies times.
func treeBench(b *testing.B, copies int) (*Worker, ferry.Project, *ferry.Export, int64) {
	b.Helper()
	ctx, db := context.Background(), storetest.Open(b)
	u, p := newProject(b, db)
	w := &Worker{DB: db, Repos: &repos.Store{Root: b.TempDir()}, Logger: discard()}
	if err := w.Repos.Create(ctx, p.ID, "main", nil); err != nil {
		b.Fatal(err)
	}
	var total int64
	for _, rel := range []string{"issues", "merge_requests", "ci_pipelines"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gitlab", "complex", "tree", "project", rel+".ndjson"))
		if err != nil {
			b.Fatal(err)
		}
		lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
		var batch [][]byte
		for range copies {
			batch = append(batch, lines...)
		}
		err = db.Tx(ctx, func(tx *store.Tx) error { return tx.InsertRelationRecords(ctx, p.ID, rel, 0, batch) })
		if err != nil {
			b.Fatal(err)
		}
		total += int64(copies) * int64(len(data))
	}
	return w, p, &ferry.Export{ProjectID: p.ID, UserID: u.ID}, total
}

// BenchmarkWriteTree exports the tree of a project holding about 55 MB of
// GitLab's fixture records (merge requests with diffs, issues, pipelines)
// into an archive that is thrown away, reporting stored bytes per second.
func BenchmarkWriteTree(b *testing.B) {
	w, p, e, total := treeBench(b, 250)
	b.SetBytes(total)
	for b.Loop() {
		aw := archive.NewWriter(io.Discard)
		if err := w.writeTree(context.Background(), aw, p, e, b.TempDir()); err != nil {
			b.Fatal(err)
		}
		if err := aw.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

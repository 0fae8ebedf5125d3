package migrate

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/remote"
	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestMigrator_Concurrent moves projects three at a time between two
// in-process servers (run it with -race): every one migrates, the
// results keep the items' order, and a second run with the state file
// moves nothing again.
func TestMigrator_Concurrent(t *testing.T) {
	t.Parallel()
	src, dst := servertest.Start(t), servertest.Start(t)
	limit := int64(0)
	if _, _, err := src.Root.Settings.UpdateSettings(&gitlab.UpdateSettingsOptions{ProjectDownloadExportLimit: &limit}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := archive.Pack(&buf, map[string]string{"VERSION": "0.2.4", "tree/project.json": `{"description":"d"}`,
		"tree/project/issues.ndjson": `{"title":"a","iid":1}` + "\n" + `{"title":"b","iid":2}` + "\n"}); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	from, _ := remote.New(src.URL, servertest.RootToken, logger)
	to, _ := remote.New(dst.URL, servertest.RootToken, logger)
	var items []Item
	for _, p := range []string{"p1", "p2", "p3", "p4"} {
		file := filepath.Join(t.TempDir(), p+".tar.gz")
		os.WriteFile(file, buf.Bytes(), 0o600)
		if _, err := from.ImportArchive(context.Background(), file, intoRoot(p), func(remote.ImportStatus) {}); err != nil {
			t.Fatal(err)
		}
		items = append(items, NewItem("root/"+p, "", ""))
	}
	m := &Migrator{From: from, To: to, Dir: t.TempDir(), Logger: logger, Jobs: 3, State: filepath.Join(t.TempDir(), "state.json")}
	for run := range 2 {
		results, err := m.Run(context.Background(), items)
		if err != nil || len(results) != len(items) {
			t.Fatalf("run %d: %d results, %v", run, len(results), err)
		}
		for i, r := range results {
			if r.Source != items[i].Source || r.Outcome != "migrated" || r.Counts["issues"] != 2 || r.Earlier != (run == 1) {
				t.Errorf("run %d: %+v", run, r)
			}
		}
	}
}

// intoRoot is an import of path into root's namespace.
func intoRoot(path string) remote.Import { return remote.Import{Path: path} }

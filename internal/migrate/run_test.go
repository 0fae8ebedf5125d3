package migrate

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

// TestMigrator_TargetLostDuringImport pins that when the target goes away
// after it accepted an import (its import status cannot be read), the
// item fails but the state file keeps the import, and the rerun waits
// for it rather than uploading again: the target holds one project.
func TestMigrator_TargetLostDuringImport(t *testing.T) {
	t.Parallel()
	src, dst := servertest.Start(t), servertest.Start(t)
	var down atomic.Bool
	upstream, _ := url.Parse(dst.URL)
	proxy := httputil.NewSingleHostReverseProxy(upstream)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/import") {
			panic(http.ErrAbortHandler) // the connection drops: the target is gone
		}
		proxy.ServeHTTP(w, r)
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/projects/import") {
			down.Store(true) // gone once it accepted the import
		}
	}))
	t.Cleanup(front.Close)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	from, _ := remote.New(src.URL, servertest.RootToken, logger)
	to, _ := remote.New(front.URL, servertest.RootToken, logger)
	to.Backoff, to.MaxBackoff = time.Millisecond, time.Millisecond
	file := filepath.Join(t.TempDir(), "p.tar.gz")
	var buf bytes.Buffer
	archive.Pack(&buf, map[string]string{"VERSION": "0.2.4", "tree/project.json": "{}", "tree/project/issues.ndjson": `{"title":"a"}` + "\n"})
	os.WriteFile(file, buf.Bytes(), 0o600)
	if _, err := from.ImportArchive(context.Background(), file, intoRoot("p"), func(remote.ImportStatus) {}); err != nil {
		t.Fatal(err)
	}
	m := &Migrator{From: from, To: to, Dir: t.TempDir(), Logger: logger, State: filepath.Join(t.TempDir(), "state.json")}
	items := []Item{NewItem("root/p", "", "")}
	results, err := m.Run(context.Background(), items)
	if err != nil || len(results) != 1 || results[0].Outcome != "failed" || results[0].Step != "import" {
		t.Fatalf("first run: %+v, %v", results, err)
	}
	down.Store(false)
	results, err = m.Run(context.Background(), items)
	if err != nil || len(results) != 1 || results[0].Outcome != "migrated" {
		t.Fatalf("rerun: %+v, %v", results, err)
	}
	projects, _, err := dst.Root.Projects.ListProjects(&gitlab.ListProjectsOptions{})
	if err != nil || len(projects) != 1 {
		t.Errorf("the target holds %d projects (%v), want 1", len(projects), err)
	}
}

// intoRoot is an import of path into root's namespace.
func intoRoot(path string) remote.Import { return remote.Import{Path: path} }

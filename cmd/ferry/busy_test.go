package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestServe_JobsOnABusyProject pins what a project's readers and later
// requests see while jobs work on it (issue 19, items 3, 5 and 6):
//   - reads of the project, of the one it replaces and of their
//     repositories, polled without pause during an overwriting import that
//     rebuilds the repository, never answer 5xx;
//   - an export requested during that import is accepted (202, as GitLab)
//     and waits, queued, for the import to end, then holds every record;
//   - a project deleted while it is being exported leaves no archive in
//     storage, and its export does not log "export finished";
//   - a project deleted while it is being imported leaves no repository
//     and no files.
func TestServe_JobsOnABusyProject(t *testing.T) {
	t.Parallel()
	slow, sc := slowImportArchive(t)
	bin, data, addr := buildFerry(t), t.TempDir(), freeAddr(t)
	env := []string{"FERRY_DATABASE_URL=" + storetest.URL(t), "FERRY_DATA=" + data, "FERRY_ROOT_TOKEN=" + scaleToken,
		"FERRY_LOG_FORMAT=json"}
	p := startFerry(t, bin, env, "--listen", addr)
	waitHealthy(t, "http://"+addr)
	h := &scaleHTTP{t: t, base: "http://" + addr + "/api/v4"}
	old := h.importArchive("busy", scaleArchive(t))
	waitAll(t, h, []int64{old}, nil)

	id := h.postImport(slow, map[string]string{"path": "busy", "overwrite": "true"})
	reads := pollReads(h, old, id)
	h.do("POST", fmt.Sprintf("/projects/%d/export", id), "")
	for {
		// The export's status is read first: one past queued while the
		// import still runs started too early.
		export, _ := h.exportStatus(id)
		if h.importStatus(id) == "finished" {
			break
		}
		if export != "queued" {
			t.Fatalf("export requested during the import is %q before the import ended, want queued", export)
		}
		time.Sleep(50 * time.Millisecond)
	}
	n, failures := reads()
	t.Logf("%d reads during the overwrite", n)
	if len(failures) > 0 || n == 0 {
		t.Errorf("%d of %d reads during the overwrite failed: %s; the server's errors: %v", len(failures), n,
			strings.Join(failures[:min(10, len(failures))], "; "), logLines(t, p.log).with("msg", "request failed"))
	}
	waitAll(t, h, nil, []int64{id})
	counts := h.archiveCounts(id)
	if counts["issues"] != sc.Issues || counts["merge_requests"] != sc.MergeRequests {
		t.Errorf("the export holds %d issues and %d merge requests, want %d and %d",
			counts["issues"], counts["merge_requests"], sc.Issues, sc.MergeRequests)
	}

	h.do("POST", fmt.Sprintf("/projects/%d/export", id), "")
	// The first export's file stays until the second is written.
	for st, step := h.exportStatus(id); st != "regeneration_in_progress" || step == ""; st, step = h.exportStatus(id) {
		if st == "finished" || st == "failed" {
			t.Fatalf("the second export is %s before it could be interrupted", st)
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.do("DELETE", fmt.Sprintf("/projects/%d", id), "")
	waitLog(t, p, "export abandoned: its project was deleted")
	t.Logf("abandoned: %v", logLines(t, p.log).with("msg", "export abandoned: its project was deleted"))
	finished := 0
	for _, line := range logLines(t, p.log).with("msg", "export finished") {
		if line["project_id"] == float64(id) {
			finished++
		}
	}
	if finished != 1 {
		t.Errorf("%d exports of project %d logged \"export finished\", want 1 (the first)", finished, id)
	}
	exports := filepath.Join(data, "blobs", "exports", fmt.Sprint(id))
	waitFor(t, func() bool { return treeSize(t, exports) == 0 })

	// A project deleted while its import restores the repositories (git
	// runs from the project step to the end of the repositories step): the
	// import stops and nothing it wrote stays, whichever of it and the
	// deleted project's removal job writes or removes first.
	doomed := h.importArchive("doomed", slow)
	restoring := []string{"project", "relations", "repositories"}
	for st, step := h.importProgress(doomed); !slices.Contains(restoring, step); st, step = h.importProgress(doomed) {
		if st == "finished" || st == "failed" {
			t.Fatalf("the import is %s before it could be deleted", st)
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.do("DELETE", fmt.Sprintf("/projects/%d", doomed), "")
	waitLog(t, p, "import abandoned: its project was deleted")
	waitFor(t, func() bool {
		left, _ := filepath.Glob(filepath.Join(data, "repositories", fmt.Sprintf("%d.*", doomed)))
		files, _ := filepath.Glob(filepath.Join(data, "blobs", "*", fmt.Sprint(doomed)))
		return len(left)+len(files) == 0
	})
}

// importProgress is the import_status of project id and its step.
func (h *scaleHTTP) importProgress(id int64) (status, step string) {
	var st struct {
		ImportStatus string `json:"import_status"`
		Progress     struct{ Step string }
	}
	h.decode(h.do("GET", fmt.Sprintf("/projects/%d/import", id), ""), &st)
	return st.ImportStatus, st.Progress.Step
}

func (h *scaleHTTP) importStatus(id int64) string {
	st, _ := h.importProgress(id)
	if st == "failed" {
		h.t.Fatalf("import %d failed", id)
	}
	return st
}

// exportStatus is the export_status of project id and the step its
// latest export is at ("" before it starts).
func (h *scaleHTTP) exportStatus(id int64) (status, step string) {
	var st struct {
		ExportStatus string `json:"export_status"`
		Progress     struct{ Step string }
	}
	h.decode(h.do("GET", fmt.Sprintf("/projects/%d/export", id), ""), &st)
	return st.ExportStatus, st.Progress.Step
}

// pollReads reads the projects list, projects old and id and their
// repositories without pause until the returned function is called; that
// returns the number of reads and the failed ones (status 5xx or no
// answer).
func pollReads(h *scaleHTTP, old, id int64) func() (int, []string) {
	paths := []string{"/projects", fmt.Sprintf("/projects/%d", old), fmt.Sprintf("/projects/%d", id),
		fmt.Sprintf("/projects/%d/repository/branches", id), fmt.Sprintf("/projects/%d/repository/tree", id),
		fmt.Sprintf("/projects/%d/repository/commits", id), fmt.Sprintf("/projects/%d/repository/branches", old)}
	var (
		stop     atomic.Bool
		wg       sync.WaitGroup
		mu       sync.Mutex
		n        int
		failures []string
	)
	for _, path := range paths {
		wg.Go(func() {
			for !stop.Load() {
				req, _ := http.NewRequest("GET", h.base+path, nil)
				req.Header.Set("PRIVATE-TOKEN", scaleToken)
				resp, err := http.DefaultClient.Do(req)
				failed := ""
				if err != nil {
					failed = fmt.Sprintf("%s: %v", path, err)
				} else {
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode >= 500 {
						failed = fmt.Sprintf("%s: %d %s", path, resp.StatusCode, b)
					}
				}
				mu.Lock()
				n++
				if failed != "" {
					failures = append(failures, failed)
				}
				mu.Unlock()
			}
		})
	}
	return func() (int, []string) {
		stop.Store(true)
		wg.Wait()
		return n, failures
	}
}

// archiveCounts downloads project id's export and counts the records of
// each relation file.
func (h *scaleHTTP) archiveCounts(id int64) map[string]int {
	b := h.do("GET", fmt.Sprintf("/projects/%d/export/download", id), "")
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		h.t.Fatalf("export archive: %v", err)
	}
	counts := map[string]int{}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return counts
		}
		if err != nil {
			h.t.Fatalf("export archive: %v", err)
		}
		name, ok := strings.CutPrefix(strings.TrimPrefix(hdr.Name, "./"), "tree/project/")
		if !ok || !strings.HasSuffix(name, ".ndjson") {
			continue
		}
		sc := bufio.NewScanner(tr)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			counts[strings.TrimSuffix(name, ".ndjson")]++
		}
	}
}

// waitLog waits until p has logged msg.
func waitLog(t *testing.T, p *process, msg string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if logLines(t, p.log).has("msg", msg) {
			return
		}
	}
	t.Fatalf("the log never said %q", msg)
}

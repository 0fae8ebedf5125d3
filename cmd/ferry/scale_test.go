package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/s3store/s3test"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

const scaleToken = "glpat-scale-test-root-token"

// process is one `ferry serve` run by the test.
type process struct {
	cmd *exec.Cmd
	log string
}

// startFerry runs the built binary with args and env, logging to a file.
func startFerry(t *testing.T, bin string, env []string, args ...string) *process {
	t.Helper()
	log := filepath.Join(t.TempDir(), "ferry.log")
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	cmd.Env, cmd.Stdout, cmd.Stderr = append(os.Environ(), env...), f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		f.Close()
		if t.Failed() {
			b, _ := os.ReadFile(log)
			t.Logf("%s log:\n%s", args, lastLines(string(b), 30))
		}
	})
	return &process{cmd: cmd, log: log}
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// clientID reads the queue client id a worker logged at start.
func (p *process) clientID(t *testing.T) string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		f, _ := os.Open(p.log)
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var rec struct {
				Msg      string `json:"msg"`
				ClientID string `json:"client_id"`
			}
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "ferry worker running" {
				f.Close()
				return rec.ClientID
			}
		}
		f.Close()
	}
	t.Fatal("worker did not start")
	return ""
}

func buildFerry(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ferry")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freeAddr returns a loopback address whose port is free, chosen below
// the kernel's ephemeral range (ip_local_port_range, 32768-60999 by
// default). The kernel gives ports of that range to ":0" listeners and
// to outgoing connections: a test that stops a server and starts it
// again on its address found the port taken by another process's
// connection meanwhile. Below the range only such explicit choices take
// a port.
func freeAddr(t *testing.T) string {
	t.Helper()
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil {
				low = n
			}
		}
	}
	const bottom = 10000
	for try := 0; try < 100 && low > bottom+1000; try++ { // else no room below the range
		if ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", bottom+rand.IntN(low-bottom))); err == nil {
			defer ln.Close()
			return ln.Addr().String()
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0") // let the kernel choose
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestScale_WorkersShareTheQueue runs one API process and two worker
// processes on one PostgreSQL and one S3-compatible store, submits 20
// imports and 20 exports at once, kills a worker while it runs jobs, and
// checks that every job finishes exactly once on the other.
func TestScale_WorkersShareTheQueue(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("needs PostgreSQL: set TEST_DATABASE_URL (.ci/run's second pass does)")
	}
	store := s3test.Start(t)
	bin, dbURL, data := buildFerry(t), storetest.URL(t), t.TempDir()
	api := freeAddr(t)
	env := []string{"FERRY_DATABASE_URL=" + dbURL, "FERRY_DATA=" + data, "FERRY_ROOT_TOKEN=" + scaleToken,
		"FERRY_BLOBS_URL=s3://" + store.Bucket + "/ferry?region=" + s3test.Region + "&endpoint=" + store.Endpoint,
		"FERRY_S3_ACCESS_KEY_ID=" + store.AccessKey, "FERRY_S3_SECRET_ACCESS_KEY=" + store.SecretKey, "FERRY_CA_FILE=" + store.CAFile,
		"FERRY_SECRET_KEY=scale-test-shared-secret-key", "FERRY_WORKER_STALE_AFTER=3s", "FERRY_LOG_FORMAT=json"}
	startFerry(t, bin, env, "--role", "api", "--listen", api)
	base := "http://" + api
	waitHealthy(t, base)
	victim := startFerry(t, bin, env, "--role", "worker")
	startFerry(t, bin, env, "--role", "worker")
	victimID := victim.clientID(t)

	h := &scaleHTTP{t: t, base: base + "/api/v4"}
	h.do("PUT", "/application/settings", "project_import_limit=0&project_export_limit=0&project_download_export_limit=0")
	var exportIDs []int64
	for i := range 20 {
		var p struct{ ID int64 }
		h.decode(h.do("POST", "/projects", fmt.Sprintf("path=exp-%d&initialize_with_readme=true", i)), &p)
		exportIDs = append(exportIDs, p.ID)
	}
	archiveData := scaleArchive(t)
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		importIDs []int64
	)
	for i := range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			id := h.importArchive(fmt.Sprintf("imp-%d", i), archiveData)
			mu.Lock()
			importIDs = append(importIDs, id)
			mu.Unlock()
		}()
		go func() {
			defer wg.Done()
			h.do("POST", fmt.Sprintf("/projects/%d/export", exportIDs[i]), "")
		}()
	}
	wg.Wait()

	// Kill the victim while it runs jobs.
	db := openDB(t, dbURL)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var running int
		db.QueryRow(`SELECT count(*) FROM river_job WHERE state = 'running' AND kind IN ('project_import', 'project_export')
			AND attempted_by[array_upper(attempted_by, 1)] = $1`, victimID).Scan(&running)
		if running > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the victim worker never ran a job")
		}
	}
	victim.cmd.Process.Kill()

	waitAll(t, h, importIDs, exportIDs)
	// Every fixture record, plus the label GitLab's importer creates for
	// the board list that names one labels.ndjson lacks ("testlabel").
	want := fixtureRecordCounts(t) + 1
	for _, id := range importIDs {
		var stored, failed int
		db.QueryRow(`SELECT count(*) FROM project_relations WHERE project_id = $1 AND part = 0`, id).Scan(&stored)
		db.QueryRow(`SELECT count(*) FROM import_failures WHERE project_id = $1`, id).Scan(&failed)
		if stored+failed != want {
			t.Errorf("import %d stored %d records and %d failures, want %d in all (each exactly once)", id, stored, failed, want)
		}
	}
	for _, id := range exportIDs {
		var finished int
		db.QueryRow(`SELECT count(*) FROM project_exports WHERE project_id = $1 AND status = 'finished'`, id).Scan(&finished)
		if finished != 1 {
			t.Errorf("project %d has %d finished exports, want 1", id, finished)
		}
		if b := h.do("GET", fmt.Sprintf("/projects/%d/export/download", id), ""); len(b) < 100 || b[0] != 0x1f {
			t.Errorf("project %d: download of %d bytes", id, len(b))
		}
	}
}

// waitAll waits for every import and export to finish.
func waitAll(t *testing.T, h *scaleHTTP, imports, exports []int64) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for _, id := range imports {
		for {
			var st struct {
				ImportStatus string  `json:"import_status"`
				ImportError  *string `json:"import_error"`
			}
			h.decode(h.do("GET", fmt.Sprintf("/projects/%d/import", id), ""), &st)
			if st.ImportStatus == "finished" {
				break
			}
			if st.ImportStatus == "failed" || time.Now().After(deadline) {
				t.Fatalf("import %d: %s %v", id, st.ImportStatus, st.ImportError)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	for _, id := range exports {
		for {
			var st struct {
				ExportStatus string `json:"export_status"`
			}
			h.decode(h.do("GET", fmt.Sprintf("/projects/%d/export", id), ""), &st)
			if st.ExportStatus == "finished" {
				break
			}
			if st.ExportStatus == "failed" || time.Now().After(deadline) {
				t.Fatalf("export of %d: %s", id, st.ExportStatus)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// scaleHTTP is a small API client for the processes under test.
type scaleHTTP struct {
	t    *testing.T
	base string
}

func (h *scaleHTTP) do(method, path, form string) []byte {
	req, _ := http.NewRequest(method, h.base+path, strings.NewReader(form))
	req.Header.Set("PRIVATE-TOKEN", scaleToken)
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return h.send(req)
}

func (h *scaleHTTP) send(req *http.Request) []byte {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Errorf("%s %s: %v", req.Method, req.URL, err)
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		h.t.Errorf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	return b
}

func (h *scaleHTTP) decode(b []byte, v any) {
	if err := json.Unmarshal(b, v); err != nil {
		h.t.Errorf("decode %s: %v", b, err)
	}
}

func (h *scaleHTTP) importArchive(path string, data []byte) int64 {
	return h.postImport(data, map[string]string{"path": path})
}

// postImport imports data with the form fields and returns the project's
// id.
func (h *scaleHTTP) postImport(data []byte, fields map[string]string) int64 {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "export.tar.gz")
	fw.Write(data)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", h.base+"/projects/import", &body)
	req.Header.Set("PRIVATE-TOKEN", scaleToken)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var st struct{ ID int64 }
	h.decode(h.send(req), &st)
	return st.ID
}

// fixtureDir is GitLab's complex fixture tree, kept in the repository's
// testdata (see testdata/gitlab/NOTICE).
func fixtureDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "testdata", "gitlab", "complex", "tree")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("GitLab fixture missing: %v", err)
	}
	return dir
}

// scaleArchive packs GitLab's complex fixture into an archive.
func scaleArchive(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	aw := archive.NewWriter(&buf)
	aw.AddBytes(archive.VersionFile, []byte(archive.Version))
	root := fixtureDir(t)
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Dir(root), path)
		b, _ := os.ReadFile(path)
		return aw.AddBytes(filepath.ToSlash(rel), b)
	})
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fixtureRecordCounts counts the fixture's records in every relation.
func fixtureRecordCounts(t *testing.T) int {
	t.Helper()
	n := 0
	files, _ := filepath.Glob(filepath.Join(fixtureDir(t), "project", "*.ndjson"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, line := range strings.Split(string(b), "\n") {
			if strings.TrimSpace(line) != "" {
				n++
			}
		}
	}
	return n
}

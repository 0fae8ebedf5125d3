package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/generate"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// remoteEnv is a `ferry serve` started by a test, and the built binary to
// call it with.
type remoteEnv struct {
	bin, base string
	h         *scaleHTTP
}

func startRemote(t *testing.T, extraEnv ...string) *remoteEnv {
	t.Helper()
	bin, addr := buildFerry(t), freeAddr(t)
	env := []string{"FERRY_DATABASE_URL=" + storetest.URL(t), "FERRY_DATA=" + t.TempDir(), "FERRY_ROOT_TOKEN=" + scaleToken}
	env = append(env, extraEnv...)
	startFerry(t, bin, env, "--listen", addr)
	waitHealthy(t, "http://"+addr)
	return &remoteEnv{bin: bin, base: "http://" + addr, h: &scaleHTTP{t: t, base: "http://" + addr + "/api/v4"}}
}

// runCLI runs the built binary in dir with env (on top of a clean token
// environment) and returns its combined output and exit code.
func runCLI(t *testing.T, bin, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "FERRY_TOKEN=", "GITLAB_TOKEN=", "FERRY_SERVER=")
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), 0
}

// importStats is a project's stats, read through the API.
func (h *scaleHTTP) importStats(path string) ferry.ImportStats {
	var st struct {
		Stats ferry.ImportStats `json:"stats"`
	}
	h.decode(h.do("GET", "/projects/"+url.PathEscape(path)+"/import", ""), &st)
	return st.Stats
}

// TestCLI_ExportImportRoundTrip moves GitLab's fixture through the
// command line: imported from a file, exported and downloaded, imported
// again under a new path; both imports count the same records.
func TestCLI_ExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	r, dir := startRemote(t), t.TempDir()
	file := filepath.Join(dir, "fixture.tar.gz")
	if err := os.WriteFile(file, scaleArchive(t), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"FERRY_TOKEN=" + scaleToken}
	out, code := runCLI(t, r.bin, dir, env, "import", "--server", r.base, file, "--namespace", "root", "--path", "fixture")
	if code != 0 || !strings.Contains(out, "import of root/fixture (project 1): finished") || !strings.Contains(out, "issues") {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	out, code = runCLI(t, r.bin, dir, env, "export", "--server", r.base, "root/fixture")
	if code != 0 || !strings.Contains(out, "export: finished") {
		t.Fatalf("export: exit %d\n%s", code, out)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*_root_fixture_export.tar.gz"))
	if len(names) != 1 {
		t.Fatalf("export file named by the server: %q\n%s", names, out)
	}
	out, code = runCLI(t, r.bin, dir, []string{"GITLAB_TOKEN=" + scaleToken}, "import", names[0], "--server", r.base,
		"--path", "copy", "--name", "Copy", "--override", "description=moved")
	if code != 0 || !strings.Contains(out, "import of root/copy (project 2): finished") {
		t.Fatalf("second import: exit %d\n%s", code, out)
	}
	// What the copy read is what the downloaded archive holds (the
	// export writes only what GitLab's exporter writes, so not all of
	// the fixture).
	out, code = runCLI(t, r.bin, dir, nil, "archive", "inspect", "--json", names[0])
	var rep struct {
		Relations []struct {
			Name    string
			Records int64
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("inspect: exit %d, %v\n%s", code, err, out)
	}
	counts := map[string]int64{}
	for _, rc := range rep.Relations {
		counts[rc.Name] = rc.Records
	}
	if got := r.h.importStats("root/copy").Fetched; !reflect.DeepEqual(got, counts) || counts["issues"] == 0 {
		t.Errorf("the copy read %v\nthe archive holds %v", got, counts)
	}
	var p struct{ Description string }
	r.h.decode(r.h.do("GET", "/projects/2", ""), &p)
	if p.Description != "moved" {
		t.Errorf("--override description: got %q", p.Description)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".ferry-export-*")); len(left) > 0 {
		t.Errorf("temporary files left: %q", left)
	}
}

// flakyProxy stands between the CLI and the server: it answers the first
// download with 429 and Retry-After, cuts the second after some bytes,
// and passes everything else on, noting the Range headers it saw.
type flakyProxy struct {
	upstream string
	mu       sync.Mutex
	downs    int
	ranges   []string
}

func (p *flakyProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	download := strings.HasSuffix(r.URL.Path, "/export/download")
	p.mu.Lock()
	n := 0
	if download {
		p.downs++
		n = p.downs
		p.ranges = append(p.ranges, r.Header.Get("Range"))
	}
	p.mu.Unlock()
	if n == 1 {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"message":{"error":"This endpoint has been requested too many times. Try again later."}}`)
		return
	}
	resp := forward(w, r, p.upstream)
	if resp == nil {
		return
	}
	defer resp.Body.Close()
	if n == 2 {
		io.CopyN(w, resp.Body, 100<<10)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // the connection drops mid-file
	}
	io.Copy(w, resp.Body)
}

// forward sends r on to upstream and writes the answer's status and
// headers; the caller copies the body (nil: 502 written).
func forward(w http.ResponseWriter, r *http.Request, upstream string) *http.Response {
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, upstream+r.URL.RequestURI(), r.Body)
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return nil
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	return resp
}

// TestCLI_ExportResumesAndWaits pins that a download answered 429 waits
// Retry-After, and that one cut in the middle resumes with Range where it
// stopped: the file is whole and verified.
func TestCLI_ExportResumesAndWaits(t *testing.T) {
	t.Parallel()
	r, dir := startRemote(t), t.TempDir()
	r.h.do("PUT", "/application/settings", "project_download_export_limit=0")
	id := r.h.importArchive("big", slowArchiveBytes(t))
	waitAll(t, r.h, []int64{id}, nil)
	p := &flakyProxy{upstream: r.base}
	proxy := httptest.NewServer(p)
	t.Cleanup(proxy.Close)
	out, code := runCLI(t, r.bin, dir, []string{"FERRY_TOKEN=" + scaleToken}, "export", "--server", proxy.URL, "root/big",
		"--out", filepath.Join(dir, "big.tar.gz"))
	if code != 0 || !strings.Contains(out, "rate limited by the server, waiting") || !strings.Contains(out, "download interrupted, resuming") {
		t.Fatalf("export: exit %d\n%s", code, out)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "big.tar.gz"))
	want := r.h.do("GET", fmt.Sprintf("/projects/%d/export/download", id), "")
	if !bytes.Equal(got, want) || len(want) < 200<<10 {
		t.Errorf("downloaded %d bytes, the export has %d", len(got), len(want))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.ranges) != 3 || p.ranges[0] != "" || p.ranges[1] != "" || !strings.HasPrefix(p.ranges[2], "bytes=") || p.ranges[2] == "bytes=0-" {
		t.Errorf("Range headers of the downloads: %q", p.ranges)
	}
}

// slowArchiveBytes is an archive big enough for a download to be cut in
// the middle.
func slowArchiveBytes(t *testing.T) []byte {
	t.Helper()
	sc := generate.Scales["s"]
	sc.RepoBytes = 2 << 20
	var b bytes.Buffer
	if err := generate.Write(context.Background(), &b, sc, 1, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// packArchive is an archive of files (name → content).
func packArchive(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := archive.Pack(&buf, files); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCLI_RemoteErrors pins the one-line errors and exit codes of calls
// a server refuses, and that the token is never printed.
func TestCLI_RemoteErrors(t *testing.T) {
	t.Parallel()
	r, dir := startRemote(t), t.TempDir()
	broken := filepath.Join(dir, "broken.tar.gz")
	if err := os.WriteFile(broken, scaleArchive(t)[:3000], 0o600); err != nil {
		t.Fatal(err)
	}
	const bad = "glpat-not-a-real-token-123"
	for _, tt := range []struct {
		name string
		env  []string
		args []string
		code int
		want string
	}{
		{"BadToken", []string{"FERRY_TOKEN=" + bad}, []string{"export", "--server", r.base, "root/x"}, 1,
			"ferry: export of root/x from " + r.base + ": POST /projects/root%2Fx/export: 401 Unauthorized (the token is wrong"},
		{"BadTokenFlag", nil, []string{"import", "--server", r.base, "--token", bad, broken, "--path", "p"}, 1, "401 Unauthorized"},
		{"NoToken", nil, []string{"export", "--server", r.base, "root/x"}, 2,
			"ferry: export: no token for " + r.base + ": give --token, or set FERRY_TOKEN or GITLAB_TOKEN"},
		{"NoProject", []string{"FERRY_TOKEN=" + scaleToken}, []string{"export", "--server", r.base, "root/missing"}, 1,
			"404 Project Not Found (check --server"},
		{"NoNamespace", []string{"FERRY_TOKEN=" + scaleToken}, []string{"import", "--server", r.base, broken, "--namespace", "nowhere", "--path", "p"}, 1,
			"404 Namespace Not Found"},
		{"ImportFails", []string{"FERRY_TOKEN=" + scaleToken}, []string{"import", "--server", r.base, broken, "--path", "broken"}, 1,
			"the import failed: Unable to decompress the archive"},
		{"NoServer", []string{"FERRY_TOKEN=" + scaleToken}, []string{"export", "root/x"}, 2, "ferry: export: --server URL is required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, code := runCLI(t, r.bin, dir, tt.env, tt.args...)
			if code != tt.code || strings.Count(out, tt.want) != 1 || strings.Contains(out, bad) || strings.Contains(out, scaleToken) {
				t.Errorf("exit %d, want %d; output should hold %q once, and no token:\n%s", code, tt.code, tt.want, out)
			}
		})
	}
}

// TestCLI_ArchiveInspectValidate runs inspect and validate on GitLab's
// fixture and on archives an import refuses or partly skips.
func TestCLI_ArchiveInspectValidate(t *testing.T) {
	t.Parallel()
	bin, dir := buildFerry(t), t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	fixture := write("fixture.tar.gz", scaleArchive(t))
	out, code := runCLI(t, bin, dir, nil, "archive", "inspect", fixture)
	if code != 0 || !regexp.MustCompile(`(?m)^VERSION +0\.2\.4$`).MatchString(out) || !regexp.MustCompile(`(?m)^layout +NDJSON$`).MatchString(out) {
		t.Fatalf("inspect: exit %d\n%s", code, out)
	}
	out, code = runCLI(t, bin, dir, nil, "archive", "inspect", "--json", fixture)
	var rep struct {
		Relations []struct {
			Name    string
			Records int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("inspect --json: exit %d, %v\n%s", code, err, out)
	}
	n := 0
	for _, rc := range rep.Relations {
		n += rc.Records
	}
	if want := fixtureRecordCounts(t); n != want {
		t.Errorf("inspect counts %d records, the fixture has %d", n, want)
	}
	out, code = runCLI(t, bin, dir, nil, "archive", "validate", fixture)
	if code != 0 || !strings.Contains(out, "valid: ") {
		t.Errorf("validate of the fixture: exit %d\n%s", code, out)
	}
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"Truncated", scaleArchive(t)[:3000], "an import would fail: Unable to decompress the archive"},
		{"NotGzip", []byte("hello"), "not a gzip archive"},
		{"OldVersion", packArchive(t, map[string]string{"VERSION": "0.1.8", "tree/project.json": "{}"}), "0.1.8"},
		{"BlankTitle", packArchive(t, map[string]string{"VERSION": "0.2.4", "tree/project.json": "{}",
			"tree/project/issues.ndjson": `{"title":"ok"}` + "\n" + `{"title":" "}` + "\n"}),
			"issues line 1: ActiveRecord::RecordInvalid: Validation failed: Title can't be blank"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, code := runCLI(t, bin, dir, nil, "archive", "validate", write(tt.name+".tar.gz", tt.data))
			if code != 1 || strings.Count(out, tt.want) != 1 {
				t.Errorf("validate: exit %d, want 1 and %q once:\n%s", code, tt.want, out)
			}
		})
	}
}

// stallingProxy sends the first bytes of every download, then holds the
// connection open until the client goes.
type stallingProxy struct{ upstream string }

func (p stallingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	resp := forward(w, r, p.upstream)
	if resp == nil {
		return
	}
	defer resp.Body.Close()
	if !strings.HasSuffix(r.URL.Path, "/export/download") {
		io.Copy(w, resp.Body)
		return
	}
	io.CopyN(w, resp.Body, 10<<10)
	w.(http.Flusher).Flush()
	<-r.Context().Done()
}

// TestCLI_ExportInterrupted pins that SIGINT during a download stops
// `ferry export` at once with exit 1, keeping nothing.
func TestCLI_ExportInterrupted(t *testing.T) {
	t.Parallel()
	r, dir := startRemote(t), t.TempDir()
	r.h.do("PUT", "/application/settings", "project_download_export_limit=0")
	waitAll(t, r.h, []int64{r.h.importArchive("p", scaleArchive(t))}, nil)
	proxy := httptest.NewServer(stallingProxy{upstream: r.base})
	t.Cleanup(proxy.Close)
	cmd := exec.Command(r.bin, "export", "--server", proxy.URL, "root/p")
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "FERRY_TOKEN="+scaleToken)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if parts, _ := filepath.Glob(filepath.Join(dir, ".ferry-export-*")); len(parts) == 1 {
			if info, err := os.Stat(parts[0]); err == nil && info.Size() > 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no partial download appeared:\n%s", out.String())
		}
	}
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(out.String(), "interrupted; the partial download was removed") {
		t.Errorf("export after SIGINT: %v\n%s", err, out.String())
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("left behind: %s", left[0].Name())
	}
}

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/store/storetest"
)

// TestServe_SIGTERMDuringImport pins a clean stop: SIGTERM in the middle
// of an import exits 0 within the grace period and a little more, logs
// the shutdown and the interruption, and no ERROR; the next start resumes
// the import. Three stops in the middle of one import (one more than its
// retries) spend none of its attempts: it finishes, on its first, with
// each record once.
func TestServe_SIGTERMDuringImport(t *testing.T) {
	t.Parallel()
	archiveData, sc := slowImportArchive(t)
	bin, data, addr := buildFerry(t), t.TempDir(), freeAddr(t)
	env := []string{"FERRY_DATABASE_URL=" + storetest.URL(t), "FERRY_DATA=" + data, "FERRY_ROOT_TOKEN=" + scaleToken,
		"FERRY_LOG_FORMAT=json", "FERRY_WORKER_STALE_AFTER=3s", "FERRY_SHUTDOWN_GRACE=200ms"}
	h := &scaleHTTP{t: t, base: "http://" + addr + "/api/v4"}
	var id int64
	for stop := range 3 {
		p := startFerry(t, bin, env, "--listen", addr)
		waitHealthy(t, "http://"+addr)
		if stop == 0 {
			id = h.importArchive("stopped", archiveData)
		}
		waitWorkFolder(t, filepath.Join(data, "tmp"), 16<<20)
		stopped := time.Now()
		p.cmd.Process.Signal(syscall.SIGTERM)
		err := p.cmd.Wait()
		if err != nil || time.Since(stopped) > 15*time.Second {
			t.Fatalf("ferry serve after SIGTERM %d: %v after %v", stop+1, err, time.Since(stopped))
		}
		lines := logLines(t, p.log)
		for _, want := range []string{"shutting down: no new requests or jobs; running jobs may finish",
			"import interrupted by a shutdown; it resumes at the next start"} {
			if !lines.has("msg", want) {
				t.Errorf("stop %d: the log lacks %q", stop+1, want)
			}
		}
		if lines.has("level", "ERROR") {
			t.Errorf("stop %d: a normal shutdown logged an ERROR:\n%s", stop+1, lines.with("level", "ERROR"))
		}
	}

	last := startFerry(t, bin, env, "--listen", addr)
	waitHealthy(t, "http://"+addr)
	waitAll(t, h, []int64{id}, nil)
	var st struct {
		Stats struct{ Imported map[string]int64 }
	}
	h.decode(h.do("GET", fmt.Sprintf("/projects/%d/import", id), ""), &st)
	if got := st.Stats.Imported["issues"]; got != int64(sc.Issues) {
		t.Errorf("imported %d issues after the restarts, want %d", got, sc.Issues)
	}
	// The job logs its end just after it records it.
	lines := logLines(t, last.log)
	for deadline := time.Now().Add(10 * time.Second); !lines.has("msg", "import finished") && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		lines = logLines(t, last.log)
	}
	if !lines.has("msg", "import resumed: an earlier attempt did not finish, so this one starts clean") {
		t.Error("the restarted server did not say it resumed the import")
	}
	if done := lines.with("msg", "import finished"); len(done) != 1 || done[0]["attempt"] != 1.0 {
		t.Errorf("import finished lines %v, want one, on attempt 1", done)
	}
}

// waitWorkFolder waits until an import's work folder under tmp holds size
// bytes: the import is well under way.
func waitWorkFolder(t *testing.T, tmp string, size int64) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		found, _ := filepath.Glob(filepath.Join(tmp, "proc-*", "import-*"))
		if len(found) == 1 && treeSize(t, found[0]) >= size {
			return
		}
	}
	t.Fatal("the import's work folder never grew")
}

// jsonLog is a JSON log, one map per line.
type jsonLog []map[string]any

func logLines(t *testing.T, path string) jsonLog {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines jsonLog
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			lines = append(lines, m)
		}
	}
	return lines
}

func (l jsonLog) has(key, value string) bool { return len(l.with(key, value)) > 0 }

func (l jsonLog) with(key, value string) jsonLog {
	var out jsonLog
	for _, m := range l {
		if m[key] == value {
			out = append(out, m)
		}
	}
	return out
}

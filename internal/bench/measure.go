package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/klauspost/pgzip"
)

// measureImport times an import from upload to finished, and the status
// endpoint's latency while it runs.
func measureImport(ctx context.Context, s *server, archivePath string, res *Result) (int64, error) {
	s.resetPeak()
	start := time.Now()
	id, err := s.upload(archivePath, "bench-"+res.Scale)
	if err != nil {
		return 0, err
	}
	var latencies []time.Duration
	if err := s.waitImport(ctx, id, start, &latencies); err != nil {
		return id, err
	}
	res.ImportSec, res.ImportStatusOK = time.Since(start).Seconds(), true
	res.ImportRSSMB = s.resetPeak()
	res.StatusP99Ms = p99(latencies).Seconds() * 1000
	return id, nil
}

// measureExport times an export from the request to the last byte of its
// download.
func measureExport(ctx context.Context, s *server, id int64, res *Result) error {
	s.resetPeak()
	start := time.Now()
	path := "/projects/" + strconv.FormatInt(id, 10) + "/export"
	if _, err := s.call("POST", path, "", nil); err != nil {
		return err
	}
	for {
		b, err := s.call("GET", path, "", nil)
		if err != nil {
			return err
		}
		var st struct {
			ExportStatus string `json:"export_status"`
		}
		json.Unmarshal(b, &st)
		if st.ExportStatus == "failed" {
			return errors.New("export failed")
		}
		if st.ExportStatus == "finished" {
			break
		}
		if err := sleep(ctx, pollDelay(time.Since(start))); err != nil {
			return err
		}
	}
	if err := s.download(path + "/download"); err != nil {
		return err
	}
	res.ExportSec = time.Since(start).Seconds()
	res.ExportRSSMB = s.resetPeak()
	return nil
}

// pollDelay is how long to wait before asking for a job's status again:
// 10 ms in the first two seconds, so that a small job's time is not
// rounded up by the polling, then 50 ms.
func pollDelay(elapsed time.Duration) time.Duration {
	if elapsed < 2*time.Second {
		return 10 * time.Millisecond
	}
	return 50 * time.Millisecond
}

// download reads the whole export over HTTP and checks its length. The
// bytes are counted, not written: the client's disk is neither Ferry's
// work nor the floor's (whose gzip output is discarded too).
func (s *server) download(path string) error {
	req, _ := http.NewRequest("GET", s.base+"/api/v4"+path, nil)
	req.Header.Set("PRIVATE-TOKEN", s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("download: %s", resp.Status)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("download: %d bytes of %d", n, resp.ContentLength)
	}
	return err
}

// importFloor is the least an import needs: unpack, clone the bundle,
// decode every JSON line. Returns its time and the records decoded.
func importFloor(ctx context.Context, archivePath, dir string) (float64, int64, error) {
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := run(ctx, dir, "tar", "-xzf", archivePath); err != nil {
		return 0, 0, err
	}
	if err := run(ctx, dir, "git", "clone", "--quiet", "--mirror", "project.bundle", "floor.git"); err != nil {
		return 0, 0, err
	}
	records, err := decodeAll(filepath.Join(dir, "tree", "project"))
	return time.Since(start).Seconds(), records, err
}

func decodeAll(dir string) (int64, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.ndjson"))
	var n int64
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return n, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var v any
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				f.Close()
				return n, err
			}
			n++
		}
		f.Close()
	}
	return n, nil
}

// exportFloor is the least an export needs: bundle the repository and
// gzip the same JSON.
func exportFloor(ctx context.Context, repo, dir string) (float64, error) {
	start := time.Now()
	if err := run(ctx, repo, "git", "bundle", "create", "--quiet", filepath.Join(dir, "floor.bundle"), "--all"); err != nil {
		return 0, err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "tree", "project", "*.ndjson"))
	gz := pgzip.NewWriter(io.Discard)
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(gz, f)
		f.Close()
		if err != nil {
			return 0, err
		}
	}
	if err := gz.Close(); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds(), nil
}

func run(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, out)
	}
	return nil
}

func p99(d []time.Duration) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return pct(d, 99)
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

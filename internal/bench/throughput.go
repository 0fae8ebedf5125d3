package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// RunThroughput measures one server with n workers importing n copies of
// cfg.Archive at once: from the first upload's start to the last import
// finished, and the server's peak resident memory meanwhile. The result
// keeps the time in ImportSec and the peak in ImportRSSMB.
func RunThroughput(ctx context.Context, cfg Config, n int) (Result, error) {
	info, err := os.Stat(cfg.Archive)
	if err != nil {
		return Result{}, err
	}
	res := Result{Point: Point{Scale: cfg.Scale, ArchiveBytes: info.Size()}, Date: time.Now().UTC().Format(time.DateOnly),
		Machine: machine(), Store: cfg.store(), Workers: n, Counts: cfg.Counts}
	args, drop, err := serverArgs(ctx, cfg)
	if err != nil {
		return res, err
	}
	defer drop()
	args = append(args, "--workers", strconv.Itoa(n))
	data := filepath.Join(cfg.Work, "server-"+strconv.Itoa(n))
	defer os.RemoveAll(data) // after the server stopped: N imported copies
	srv, err := startServer(ctx, cfg.Binary, data, args...)
	if err != nil {
		return res, err
	}
	defer srv.stop()
	fmt.Fprintf(cfg.Out, "bench %s (%s): %d workers importing %d archives of %.1f MB at once\n", cfg.Scale, res.Store, n, n,
		float64(info.Size())/1e6)
	srv.resetPeak()
	start := time.Now()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = srv.importAndWait(ctx, cfg.Archive, fmt.Sprintf("bench-%s-%d", cfg.Scale, i))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return res, err
		}
	}
	res.ImportSec, res.ImportStatusOK = time.Since(start).Seconds(), true
	res.ImportRSSMB = srv.resetPeak()
	fmt.Fprintf(cfg.Out, "%s\n", throughputRow(res))
	return res, nil
}

// importAndWait uploads an archive and waits until its import finished.
func (s *server) importAndWait(ctx context.Context, archivePath, path string) error {
	start := time.Now()
	id, err := s.upload(archivePath, path)
	if err != nil {
		return err
	}
	return s.waitImport(ctx, id, start, nil)
}

// waitImport polls an import's status until it finished (or failed),
// appending each poll's latency to latencies if it is not nil.
func (s *server) waitImport(ctx context.Context, id int64, start time.Time, latencies *[]time.Duration) error {
	for {
		t0 := time.Now()
		b, err := s.call("GET", "/projects/"+strconv.FormatInt(id, 10)+"/import", "", nil)
		if latencies != nil {
			*latencies = append(*latencies, time.Since(t0))
		}
		if err != nil {
			return err
		}
		var st struct {
			ImportStatus string  `json:"import_status"`
			ImportError  *string `json:"import_error"`
		}
		if err := json.Unmarshal(b, &st); err != nil {
			return err
		}
		switch st.ImportStatus {
		case "failed":
			return fmt.Errorf("import %d failed: %v", id, *st.ImportError)
		case "finished":
			return nil
		}
		if err := sleep(ctx, pollDelay(time.Since(start))); err != nil {
			return err
		}
	}
}

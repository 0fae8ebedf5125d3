// Package bench measures Ferry against the floor: for one archive it times
// Ferry's import (POST /projects/import to finished) and export (POST
// export to the last byte of its download) on real `ferry serve` processes (a new one
// for the export), records each process's peak resident memory, and
// times, in the same run, the least work the same job needs (tar -xzf, git
// clone --mirror of the bundle and a plain decode of every JSON line; git
// bundle create and a gzip of the same JSON). Results are kept per scale in
// a JSON file, from which BENCHMARKS.md and a chart are written.
package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// Result is one benchmarked scale on one store; a throughput result
// (Workers > 0) keeps its time and peak in ImportSec and ImportRSSMB.
type Result struct {
	Point
	Date           string  `json:"date"`
	Machine        string  `json:"machine"`
	Records        int64   `json:"records"`
	StatusP99Ms    float64 `json:"status_p99_ms"`
	ImportStatusOK bool    `json:"import_finished"`
	// Store is "sqlite" (the embedded default; empty in older results)
	// or "postgres".
	Store string `json:"store,omitempty"`
	// Workers is, for a throughput result, how many archives one server
	// with as many workers imported at once.
	Workers int `json:"workers,omitempty"`
	// Counts are the records of each kind, nested ones included, when the
	// bench generated the archive.
	Counts map[string]int64 `json:"counts,omitempty"`
}

// Config says what to measure.
type Config struct {
	// Binary is the ferry executable to run as the server.
	Binary string
	// Archive is the archive to import; Scale names it in the results.
	Archive string
	Scale   string
	// Counts are the archive's records of each kind, if known.
	Counts map[string]int64
	// Work is a folder for the server's data and the floor's files.
	Work string
	// DatabaseURL, when set, is a PostgreSQL database the server uses
	// instead of SQLite: each run works in a new schema of it, dropped
	// after.
	DatabaseURL string
	Logger      *slog.Logger
	Out         io.Writer
}

func (cfg Config) store() string {
	if cfg.DatabaseURL != "" {
		return "postgres"
	}
	return "sqlite"
}

// Run measures one archive.
func Run(ctx context.Context, cfg Config) (Result, error) {
	archivePath, err := filepath.Abs(cfg.Archive) // the floor runs tar in another folder
	if err != nil {
		return Result{}, err
	}
	cfg.Archive = archivePath
	info, err := os.Stat(cfg.Archive)
	if err != nil {
		return Result{}, err
	}
	res := Result{Point: Point{Scale: cfg.Scale, ArchiveBytes: info.Size()}, Date: time.Now().UTC().Format(time.DateOnly),
		Machine: machine(), Store: cfg.store(), Counts: cfg.Counts}
	data := filepath.Join(cfg.Work, "server")
	args, drop, err := serverArgs(ctx, cfg)
	if err != nil {
		return res, err
	}
	defer drop()
	srv, err := startServer(ctx, cfg.Binary, data, args...)
	if err != nil {
		return res, err
	}
	fmt.Fprintf(cfg.Out, "bench %s (%s): %.1f MB archive\n", cfg.Scale, res.Store, float64(info.Size())/1e6)
	projectID, err := measureImport(ctx, srv, cfg.Archive, &res)
	srv.stop()
	if err != nil {
		return res, fmt.Errorf("import: %w", err)
	}
	// A new process exports, so the export's peak is not what the import
	// left behind.
	if srv, err = startServer(ctx, cfg.Binary, data, args...); err != nil {
		return res, err
	}
	defer srv.stop()
	if err := measureExport(ctx, srv, projectID, &res); err != nil {
		return res, fmt.Errorf("export: %w", err)
	}
	floorDir := filepath.Join(cfg.Work, "floor")
	defer os.RemoveAll(floorDir)
	if res.ImportFloorSec, res.Records, err = importFloor(ctx, cfg.Archive, floorDir); err != nil {
		return res, fmt.Errorf("import floor: %w", err)
	}
	// The export floor needs only the JSON: free the clone and the bundle.
	os.RemoveAll(filepath.Join(floorDir, "floor.git"))
	os.Remove(filepath.Join(floorDir, "project.bundle"))
	if res.ExportFloorSec, err = exportFloor(ctx, srv.repoDir(projectID), floorDir); err != nil {
		return res, fmt.Errorf("export floor: %w", err)
	}
	fmt.Fprintf(cfg.Out, "%s\n", row(res))
	return res, nil
}

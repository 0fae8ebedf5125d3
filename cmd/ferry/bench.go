package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry/internal/bench"
	"github.com/ferryhq/ferry/internal/generate"
)

// benchCmd is `ferry bench`: generate (or take) an archive, measure Ferry
// against the floor, record the result.
func benchCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	scale := fs.String("scale", "s", "archive scale to generate (s, m, l, xl, reads)")
	archivePath := fs.String("archive", "", "an existing archive to measure instead of generating one "+
		"(its records are counted if a generating run left ARCHIVE.counts.json beside it)")
	work := fs.String("work", "", "work folder (default a temporary one, removed after)")
	results := fs.String("results", "", "JSON file that keeps one result per scale (e.g. bench/results.json)")
	report := fs.String("report", "", "markdown file whose generated section is rewritten (e.g. BENCHMARKS.md)")
	chart := fs.String("chart", "", "PNG chart of every recorded result (e.g. bench/benchmarks.png)")
	reads := fs.Int("reads", 0, "instead of import and export, import then time N requests of each kind of issue read (use with --scale reads)")
	database := fs.String("database", "", "a postgres:// URL: measure the server on PostgreSQL (each run in a new schema of it, dropped after) instead of SQLite")
	workers := fs.String("workers", "", "instead of import and export, the throughput of N workers importing N copies at once, "+
		"for each N of a comma-separated list (e.g. 1,2,4)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dir := *work
	if dir == "" {
		tmp, err := os.MkdirTemp("", "ferry-bench-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	counts, err := parseWorkers(*workers)
	if err != nil {
		return err
	}
	if *database != "" && !strings.HasPrefix(*database, "postgres://") && !strings.HasPrefix(*database, "postgresql://") {
		return usagef("--database: want a postgres:// URL")
	}
	var records generate.Counts
	if *archivePath == "" {
		if err := oneOf("--scale", *scale, generate.ScaleNames()...); err != nil {
			return err
		}
		sc := generate.Scales[*scale]
		*archivePath = filepath.Join(dir, *scale+".tar.gz")
		if records, err = generateArchive(ctx, sc, *archivePath, 1); err != nil {
			return err
		}
		if b, err := json.Marshal(records); err == nil { // for later runs with --archive
			_ = os.WriteFile(*archivePath+".counts.json", b, 0o644)
		}
	} else if b, err := os.ReadFile(*archivePath + ".counts.json"); err == nil {
		_ = json.Unmarshal(b, &records)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cfg := bench.Config{Binary: self, Archive: *archivePath, Scale: *scale, Counts: records, Work: dir, DatabaseURL: *database,
		Out: os.Stdout}
	if *reads > 0 {
		_, err := bench.RunReads(ctx, cfg, *reads)
		return err
	}
	var runs []bench.Result
	if len(counts) == 0 {
		res, err := bench.Run(ctx, cfg)
		if err != nil {
			return err
		}
		runs = append(runs, res)
	}
	for _, n := range counts {
		res, err := bench.RunThroughput(ctx, cfg, n)
		if err != nil {
			return err
		}
		runs = append(runs, res)
	}
	if *results == "" {
		return nil
	}
	return record(runs, *results, *report, *chart)
}

// parseWorkers reads --workers: a comma-separated list of positive counts.
func parseWorkers(list string) ([]int, error) {
	if list == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 64 {
			return nil, usagef("--workers: want counts from 1 to 64 separated by commas, got %q", list)
		}
		out = append(out, n)
	}
	return out, nil
}

// record saves the runs in the results file and rewrites the report and
// the chart (of the embedded store's import and export rows) from it.
func record(runs []bench.Result, results, report, chart string) error {
	var all []bench.Result
	for _, res := range runs {
		var err error
		if all, err = bench.Save(results, res); err != nil {
			return err
		}
	}
	var points []bench.Point
	for _, r := range all {
		if r.Workers == 0 && (r.Store == "" || r.Store == "sqlite") {
			points = append(points, r.Point)
		}
	}
	if chart != "" {
		if err := bench.WriteChart(chart, points); err != nil {
			return err
		}
	}
	if report != "" {
		rel, _ := filepath.Rel(filepath.Dir(report), chart)
		return bench.WriteReport(report, all, filepath.ToSlash(rel))
	}
	return nil
}

package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"

	"github.com/ferryhq/ferry/internal/bench"
	"github.com/ferryhq/ferry/internal/generate"
)

// benchCmd is `ferry bench`: generate (or take) an archive, measure Ferry
// against the floor, record the result.
func benchCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	scale := fs.String("scale", "s", "archive scale to generate (s, m, l, xl, reads)")
	archivePath := fs.String("archive", "", "an existing archive to measure instead of generating one")
	work := fs.String("work", "", "work folder (default a temporary one, removed after)")
	results := fs.String("results", "", "JSON file that keeps one result per scale (e.g. bench/results.json)")
	report := fs.String("report", "", "markdown file whose generated section is rewritten (e.g. BENCHMARKS.md)")
	chart := fs.String("chart", "", "PNG chart of every recorded result (e.g. bench/benchmarks.png)")
	reads := fs.Int("reads", 0, "instead of import and export, import then time N requests of each kind of issue read (use with --scale reads)")
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
	if *archivePath == "" {
		if err := oneOf("--scale", *scale, generate.ScaleNames()...); err != nil {
			return err
		}
		sc := generate.Scales[*scale]
		*archivePath = filepath.Join(dir, *scale+".tar.gz")
		if err := generateArchive(ctx, sc, *archivePath, 1); err != nil {
			return err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cfg := bench.Config{Binary: self, Archive: *archivePath, Scale: *scale, Work: dir, Out: os.Stdout}
	if *reads > 0 {
		_, err := bench.RunReads(ctx, cfg, *reads)
		return err
	}
	res, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if *results == "" {
		return nil
	}
	all, err := bench.Save(*results, res)
	if err != nil {
		return err
	}
	points := make([]bench.Point, len(all))
	for i, r := range all {
		points[i] = r.Point
	}
	if *chart != "" {
		if err := bench.WriteChart(*chart, points); err != nil {
			return err
		}
	}
	if *report != "" {
		rel, _ := filepath.Rel(filepath.Dir(*report), *chart)
		return bench.WriteReport(*report, all, filepath.ToSlash(rel))
	}
	return nil
}

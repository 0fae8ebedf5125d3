package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ferryhq/ferry/internal/generate"
)

// archiveUsage lists the archive subcommands.
var archiveUsage = `usage: ferry archive <generate|inspect|validate|rewrite|convert> [flags]

  generate --scale ` + strings.Join(generate.ScaleNames(), "|") + ` --out FILE [--seed N]
                    write a GitLab export archive of a named scale
  inspect FILE [--json]
                    what an archive holds: VERSION, GITLAB_VERSION, layout, the project's
                    name and description, records per relation, bundles, uploads, LFS objects
  validate FILE [--json]
                    the importer's own checks, storing nothing: safe extraction, version,
                    every record read, cleaned and validated; exit 1 with the problems listed
  rewrite FILE --out NEW [--map-email OLD=NEW] [--map-emails CSV] [--drop RELATION:LINE]
          [--set KEY=VALUE] [--version V]
                    the edits made by hand today; what is not edited stays byte for byte
  convert OLD --out NEW
                    a legacy project.json archive, or one of VERSION 0.2.0 to 0.2.3, in the
                    NDJSON 0.2.4 layout current GitLab imports (through the export filter)
`

// archiveCmd is `ferry archive <subcommand>`.
func archiveCmd(ctx context.Context, args []string) error {
	if len(args) > 0 && (args[0] == "inspect" || args[0] == "validate") {
		return archiveCheckCmd(ctx, args[0], args[1:])
	}
	if len(args) > 0 && args[0] == "rewrite" {
		return archiveRewriteCmd(ctx, args[1:])
	}
	if len(args) > 0 && args[0] == "convert" {
		return archiveConvertCmd(ctx, args[1:])
	}
	if len(args) == 0 || args[0] != "generate" {
		fmt.Fprint(os.Stderr, archiveUsage)
		return usagef("archive: want a subcommand: generate, inspect, validate, rewrite or convert")
	}
	fs := flag.NewFlagSet("archive generate", flag.ContinueOnError)
	scale := fs.String("scale", "s", "archive size: "+strings.Join(generate.ScaleNames(), ", "))
	out := fs.String("out", "", "archive file to write (.tar.gz)")
	seed := fs.Uint64("seed", 1, "seed: the same seed gives the same records")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if err := oneOf("--scale", *scale, generate.ScaleNames()...); err != nil {
		return err
	}
	if *out == "" {
		return usagef("archive generate: --out FILE is required")
	}
	sc := generate.Scales[*scale]
	_, err := generateArchive(ctx, sc, *out, *seed)
	return err
}

// generateArchive writes a scale's archive to out, all or nothing, and
// returns its records of each kind.
func generateArchive(ctx context.Context, sc generate.Scale, out string, seed uint64) (generate.Counts, error) {
	start := time.Now()
	tmp := out + ".partial"
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil { // bench --work NEW, generate --out NEW/x
		return nil, err
	}
	f, err := os.Create(tmp)
	if err != nil {
		return nil, err
	}
	counts, err := generate.WriteCounts(ctx, f, sc, seed, filepath.Dir(out))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("generate %s: %w", sc.Name, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return nil, err
	}
	info, _ := os.Stat(out)
	fmt.Printf("wrote %s: scale %s, %.1f MB in %s; %d records: %s\n", out, sc.Name, float64(info.Size())/1e6,
		time.Since(start).Round(time.Millisecond), counts.Total(), counts)
	return counts, nil
}

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

// archiveCmd is `ferry archive <subcommand>`.
func archiveCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "generate" {
		return usagef("usage: ferry archive generate --scale %s --out FILE [--seed N]", strings.Join(generate.ScaleNames(), "|"))
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
	return generateArchive(ctx, sc, *out, *seed)
}

// generateArchive writes a scale's archive to out, all or nothing.
func generateArchive(ctx context.Context, sc generate.Scale, out string, seed uint64) error {
	start := time.Now()
	tmp := out + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	err = generate.Write(ctx, f, sc, seed, filepath.Dir(out))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("generate %s: %w", sc.Name, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	info, _ := os.Stat(out)
	fmt.Printf("wrote %s: scale %s, %.1f MB in %s\n", out, sc.Name, float64(info.Size())/1e6, time.Since(start).Round(time.Millisecond))
	return nil
}

package main

import (
	"context"
	"errors"
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
		return errors.New("usage: ferry archive generate --scale s|m|l|xl --out FILE [--seed N]")
	}
	fs := flag.NewFlagSet("archive generate", flag.ContinueOnError)
	scale := fs.String("scale", "s", "archive size: "+strings.Join(generate.ScaleNames(), ", "))
	out := fs.String("out", "", "archive file to write (.tar.gz)")
	seed := fs.Uint64("seed", 1, "seed: the same seed gives the same records")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	sc, ok := generate.Scales[*scale]
	if !ok || *out == "" {
		return fmt.Errorf("archive generate: want --scale (%s) and --out", strings.Join(generate.ScaleNames(), ", "))
	}
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

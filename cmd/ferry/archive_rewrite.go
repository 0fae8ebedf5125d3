package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
)

// archiveRewriteCmd is `ferry archive rewrite FILE --out NEW`: the edits
// people make by hand to an archive an import refuses, streamed.
func archiveRewriteCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("archive rewrite", flag.ContinueOnError)
	setUsage(fs, "archive rewrite FILE --out NEW [--map-email OLD=NEW ...] [--map-emails CSV] [--drop RELATION:LINE ...] "+
		"[--set KEY=VALUE ...] [--version V]")
	out := fs.String("out", "", "the new archive (required)")
	tmp := fs.String("tmp", os.TempDir(), "the folder the archive is extracted into while it is rewritten")
	e := archive.Edits{Emails: map[string]string{}, Drop: map[string]map[int]bool{}, Attributes: map[string]json.RawMessage{}}
	fs.Func("map-email", "give a user's e-mail a new one, OLD=NEW (repeatable)", func(v string) error { return mapEmail(e, v) })
	fs.Func("map-emails", "a CSV file of e-mails to map: old,new per line", func(file string) error { return mapEmails(e, file) })
	fs.Func("drop", "leave a record out, RELATION:LINE (the line_number of failed_relations; repeatable)", func(v string) error {
		rel, line, ok := strings.Cut(v, ":")
		n, err := strconv.Atoi(line)
		if !ok || rel == "" || err != nil || n < 0 {
			return fmt.Errorf("want RELATION:LINE, got %q", v)
		}
		if e.Drop[rel] == nil {
			e.Drop[rel] = map[int]bool{}
		}
		e.Drop[rel][n] = true
		return nil
	})
	fs.Func("set", "set a project attribute in tree/project.json, KEY=VALUE (a JSON value, else a string; repeatable)", func(v string) error {
		k, val, ok := strings.Cut(v, "=")
		if !ok || k == "" {
			return fmt.Errorf("want KEY=VALUE, got %q", v)
		}
		if !json.Valid([]byte(val)) {
			val = string(quoteJSON(val))
		}
		e.Attributes[k] = json.RawMessage(val)
		return nil
	})
	fs.StringVar(&e.Version, "version", "", "write this VERSION (e.g. 0.2.4)")
	pos, err := parseArgs(fs, args, 1, "one archive file")
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("archive rewrite: --out NEW is required")
	}
	err = transformArchive(ctx, pos[0], *out, *tmp, func(dir string, m archive.Manifest, w io.Writer, tmp string) error {
		return archive.Rewrite(ctx, dir, m, w, e, tmp)
	})
	if err != nil {
		return fmt.Errorf("archive rewrite %s: %w", pos[0], err)
	}
	fmt.Printf("wrote %s\n", *out)
	return nil
}

func mapEmail(e archive.Edits, v string) error {
	old, repl, ok := strings.Cut(v, "=")
	if !ok || old == "" || repl == "" {
		return fmt.Errorf("want OLD=NEW, got %q", v)
	}
	e.Emails[old] = repl
	return nil
}

func mapEmails(e archive.Edits, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord, r.Comment, r.TrimLeadingSpace = 2, '#', true
	rows, err := r.ReadAll()
	if err != nil {
		return err
	}
	for _, row := range rows {
		if err := mapEmail(e, strings.TrimSpace(row[0])+"="+strings.TrimSpace(row[1])); err != nil {
			return err
		}
	}
	return nil
}

func quoteJSON(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}

// transformArchive extracts in (the codec's safe extraction, within the
// default size limit) into a folder of tmp, has write write the new
// archive beside out, checks it and renames it to out. Nothing is left
// behind when it fails or ctx ends.
func transformArchive(ctx context.Context, in, out, tmp string,
	write func(dir string, m archive.Manifest, w io.Writer, tmp string) error) error {
	src, err := os.Open(in)
	if err != nil {
		return err
	}
	defer src.Close()
	work, err := os.MkdirTemp(tmp, ".ferry-rewrite-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	dir := filepath.Join(work, "archive") // temporary files go beside it
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	lim := archive.Limits{MaxDecompressed: ferry.MiB(ferry.DefaultSettings().MaxDecompressedArchiveSize)}
	m, err := archive.Extract(ctx, src, dir, lim)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".ferry-rewrite-*.partial")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	err = write(dir, m, f, work)
	if err == nil {
		_, err = f.Seek(0, 0)
	}
	if err == nil {
		_, err = archive.Check(ctx, f, lim)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), out)
}

// archiveConvertCmd is `ferry archive convert OLD --out NEW`: an archive
// current GitLab no longer imports (the legacy project.json layout, or
// versions 0.2.0 to 0.2.3) rewritten in the NDJSON 0.2.4 layout, through
// the export filter.
func archiveConvertCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("archive convert", flag.ContinueOnError)
	setUsage(fs, "archive convert OLD --out NEW [--tmp DIR]")
	out := fs.String("out", "", "the new archive (required)")
	tmp := fs.String("tmp", os.TempDir(), "the folder the archive is extracted into while it is converted")
	pos, err := parseArgs(fs, args, 1, "one archive file")
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("archive convert: --out NEW is required")
	}
	err = transformArchive(ctx, pos[0], *out, *tmp, func(dir string, m archive.Manifest, w io.Writer, tmp string) error {
		return archive.Convert(ctx, dir, m, w, tmp)
	})
	if err != nil {
		return fmt.Errorf("archive convert %s: %w", pos[0], err)
	}
	fmt.Printf("wrote %s\n", *out)
	return nil
}

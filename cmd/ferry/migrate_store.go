package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/blob/s3blob"
	"github.com/ferryhq/ferry/internal/scratch"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/trust"
)

// migrateStore is `ferry migrate-store`: it moves an embedded
// installation's metadata from SQLite to PostgreSQL and, optionally, its
// stored files from the data folder to an object store. Ferry must be
// stopped, with no jobs left to run; repositories stay in the data folder.
func migrateStore(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate-store", flag.ContinueOnError)
	data := fs.String("data", env("FERRY_DATA", "./data"), "the embedded installation's data folder")
	from := fs.String("from", "", "source database (default <data>/ferry.db)")
	to := fs.String("to", "", "destination PostgreSQL URL (postgres://...), empty and reachable")
	blobsTo := fs.String("blobs-to", "", "optional object store for the stored files: s3://bucket/prefix?endpoint=...&region=... "+
		"(keys in FERRY_S3_ACCESS_KEY_ID and FERRY_S3_SECRET_ACCESS_KEY)")
	caFile := fs.String("ca-file", env("FERRY_CA_FILE", ""), "PEM file of CA certificates trusted for the object store, "+
		"on top of the system's (FERRY_CA_FILE)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !strings.HasPrefix(*to, "postgres://") && !strings.HasPrefix(*to, "postgresql://") {
		return usagef("migrate-store: --to must be a PostgreSQL URL (postgres://...), got %q", *to)
	}
	if live, err := scratch.LiveOwners(filepath.Join(*data, "tmp")); err != nil {
		return err
	} else if len(live) > 0 {
		return fmt.Errorf("migrate-store: a Ferry process is using the data folder %s (it holds %s): stop it first", *data, live[0])
	}
	if *from == "" {
		*from = filepath.Join(*data, "ferry.db")
	}
	if _, err := os.Stat(*from); err != nil {
		return fmt.Errorf("migrate-store: source database: %w", err)
	}
	src, err := store.Open(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	rows, err := src.RowCounts(ctx)
	if err != nil {
		return fmt.Errorf("migrate-store: %w", err)
	}
	var total int64
	for _, n := range rows {
		total += n
	}
	progress, table := newCopyProgress(os.Stderr, fmt.Sprintf("%d tables", len(rows)), "rows", total), ""
	counts, err := src.CopyTo(ctx, dst, func(t string) {
		if t != table {
			table = t
			progress.part(t, rows[t])
		}
		progress.add(1)
	})
	if err != nil {
		return fmt.Errorf("migrate-store: %w", err)
	}
	progress.finish()
	printCopied(os.Stdout, counts)
	if *blobsTo == "" {
		return nil
	}
	// Files are spooled in a scratch folder of the data folder, which
	// `ferry serve` sweeps if this command dies.
	spool, err := scratch.Claim(filepath.Join(*data, "tmp"), "migrate-store-"+strings.ToLower(rand.Text()[:10]))
	if err != nil {
		return err
	}
	defer spool.Release()
	roots, err := trust.Roots(*caFile)
	if err != nil {
		return err
	}
	dstBlobs, err := s3blob.Open(*blobsTo, s3blob.Options{AccessKeyID: os.Getenv("FERRY_S3_ACCESS_KEY_ID"),
		SecretAccessKey: os.Getenv("FERRY_S3_SECRET_ACCESS_KEY"), RootCAs: roots, TempDir: spool.Path})
	if err != nil {
		return err
	}
	srcBlobs := &blob.Local{Root: filepath.Join(*data, "blobs")}
	files, size, err := blob.Size(ctx, srcBlobs, blob.Prefixes...)
	if err != nil {
		return fmt.Errorf("migrate-store: files: %w", err)
	}
	progress = newCopyProgress(os.Stderr, fmt.Sprintf("%d stored files", files), "bytes", size)
	n, err := blob.Copy(ctx, srcBlobs, dstBlobs, func(_ string, size int64) { progress.add(size) }, blob.Prefixes...)
	if err != nil {
		return fmt.Errorf("migrate-store: files: %w", err)
	}
	progress.finish()
	fmt.Printf("%-24s %d files\n", "stored files", n)
	return nil
}

// printCopied writes the summary of a copy: every table copied, in order,
// with its rows, and the total.
func printCopied(w io.Writer, counts map[string]int64) {
	var total int64
	fmt.Fprintln(w, "copied:")
	for _, table := range store.CopiedTables() {
		fmt.Fprintf(w, "%-24s %d rows\n", table, counts[table])
		total += counts[table]
	}
	fmt.Fprintf(w, "%-24s %d rows\n", "total", total)
}

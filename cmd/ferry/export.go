package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/ferryhq/ferry/internal/remote"
)

// exportCmd is `ferry export PROJECT`: schedule an export on a server,
// follow it, download the archive and verify it.
func exportCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	setUsage(fs, "export --server URL [--token T] [--out FILE] PROJECT")
	rf := addRemoteFlags(fs)
	out := fs.String("out", "", "the archive file to write (default: the server's file name, in the current folder)")
	pos, err := parseArgs(fs, args, 1, "one project (its id or full path)")
	if err != nil {
		return err
	}
	c, err := rf.client("export", cliLogger())
	if err != nil {
		return err
	}
	project := pos[0]
	path, err := exportProject(ctx, c, project, *out)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("export of %s: interrupted; the partial download was removed", project)
	}
	if err != nil {
		return fmt.Errorf("export of %s from %s: %w", project, c.Server(), err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Printf("exported %s to %s (%s)\n", project, path, sizeText(info.Size()))
	return nil
}

// exportProject schedules the export, waits for it and downloads it.
func exportProject(ctx context.Context, c *remote.Client, project, out string) (string, error) {
	m := newMeter(os.Stderr, "export")
	defer m.end()
	return c.ExportArchive(ctx, project, remote.Download{Out: out, Dir: ".", Bytes: func(done, total int64) { m.bytes("download", done, total) }},
		func(st remote.ExportStatus) { m.state(st.Status, st.Progress, -1) })
}

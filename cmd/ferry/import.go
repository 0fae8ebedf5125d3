package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/ferryhq/ferry/internal/remote"
)

// importCmd is `ferry import FILE`: upload an archive to a server, follow
// the import to its end and print its outcome.
func importCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	setUsage(fs, "import --server URL [--token T] --path P [--namespace NS] [--name N] [--overwrite] [--override KEY=VALUE ...] FILE")
	rf := addRemoteFlags(fs)
	var im remote.Import
	fs.StringVar(&im.Namespace, "namespace", "", "the group (full path or id) to import into (default: the token user's namespace)")
	fs.StringVar(&im.Path, "path", "", "the new project's path (required)")
	fs.StringVar(&im.Name, "name", "", "the new project's name (default: its path)")
	fs.BoolVar(&im.Overwrite, "overwrite", false, "replace a project already at that path")
	fs.Func("override", "set a project attribute, KEY=VALUE (override_params; repeatable)", func(v string) error {
		k, val, ok := strings.Cut(v, "=")
		if !ok || k == "" {
			return fmt.Errorf("want KEY=VALUE, got %q", v)
		}
		if im.Override == nil {
			im.Override = map[string]string{}
		}
		im.Override[k] = val
		return nil
	})
	pos, err := parseArgs(fs, args, 1, "one archive file")
	if err != nil {
		return err
	}
	if im.Path == "" {
		return usagef("import: --path is required")
	}
	if _, err := os.Stat(pos[0]); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	c, err := rf.client("import", cliLogger())
	if err != nil {
		return err
	}
	st, err := importArchive(ctx, c, pos[0], im)
	if err != nil && ctx.Err() != nil && st.ID != 0 {
		return fmt.Errorf("import of %s: interrupted; it goes on on the server: GET /projects/%d/import follows it", pos[0], st.ID)
	}
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("import of %s: interrupted during the upload", pos[0])
	}
	if st.ID != 0 {
		printImport(os.Stdout, st)
	}
	if err != nil {
		return fmt.Errorf("import of %s into %s on %s: %w", pos[0], target(im), c.Server(), err)
	}
	return nil
}

// target is the project an import makes, as messages name it.
func target(im remote.Import) string {
	if im.Namespace == "" {
		return im.Path
	}
	return im.Namespace + "/" + im.Path
}

// importArchive uploads the archive and waits for the import's end.
func importArchive(ctx context.Context, c *remote.Client, file string, im remote.Import) (remote.ImportStatus, error) {
	m := newMeter(os.Stderr, "import")
	defer m.end()
	im.Bytes = func(done, total int64) { m.bytes("upload", done, total) }
	return c.ImportArchive(ctx, file, im, func(st remote.ImportStatus) { m.state(st.Status, st.Progress, st.Records()) })
}

// printImport writes an import's outcome: its status, the records of each
// relation and the failed relations.
func printImport(w io.Writer, st remote.ImportStatus) {
	fmt.Fprintf(w, "import of %s (project %d): %s\n", st.PathWithNamespace, st.ID, st.Status)
	if st.Error != nil && *st.Error != "" {
		fmt.Fprintf(w, "import_error: %s\n", *st.Error)
	}
	if s, ok := st.Counts(); ok && len(s.Fetched) > 0 {
		names := make([]string, 0, len(s.Fetched))
		for k := range s.Fetched {
			names = append(names, k)
		}
		sort.Strings(names)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "RELATION\tREAD\tIMPORTED")
		for _, k := range names {
			fmt.Fprintf(tw, "%s\t%d\t%d\n", k, s.Fetched[k], s.Imported[k])
		}
		tw.Flush()
	} else if len(st.Stats) > 0 && string(st.Stats) != "null" {
		fmt.Fprintf(w, "stats: %s\n", st.Stats)
	}
	fmt.Fprintf(w, "failed relations: %d\n", len(st.FailedRelations))
	for _, f := range st.FailedRelations {
		msg := ""
		if f.ExceptionMessage != nil {
			msg = ": " + *f.ExceptionMessage
		}
		fmt.Fprintf(w, "  %s line %d: %s%s\n", f.RelationName, f.LineNumber, f.ExceptionClass, msg)
	}
}

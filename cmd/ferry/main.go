// Command ferry is Ferry's server and CLI: `ferry serve` runs the
// GitLab-compatible project import/export API.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `usage: ferry <command> [flags]

commands:
  serve           run the HTTP API, git over HTTP and the job workers
  export          export a project from a server (GitLab or Ferry) and download its archive
  import          import an archive into a server and follow the import to its end
  migrate         move projects from one server to another: export, download, import, verify
  archive inspect   what an archive holds: versions, project, relation counts, bundles
  archive validate  the importer's checks of an archive, without a server (exit 1: problems)
  archive rewrite   map e-mails, drop records, set attributes or VERSION in an archive
  archive convert   a legacy or pre-0.2.4 archive in the layout current GitLab imports
  archive generate  write a GitLab export archive of a named scale (s, m, l, xl, huge, reads)
  migrate-store   move an embedded installation to PostgreSQL (and its files to S3)
  bench           measure import and export against the floor at a scale (--reads N: the read API too)
  reset-root-token  give the administrator root a new token (for a lost one)
  jobs            list, retry and cancel imports and exports of a running server (administrators)
  version         print Ferry's version
  help [COMMAND]  this list, or a command's flags
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && (os.Args[1] == "serve" || os.Args[1] == "migrate-store") {
		// What these write (database, repositories, stored files, scratch
		// space) is owner-only, whichever library or git process writes it.
		syscall.Umask(0o077)
	}
	code := exitCode(run(ctx, os.Args[1:]))
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return usagef("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:])
	case "bench":
		return benchCmd(ctx, args[1:])
	case "archive":
		return archiveCmd(ctx, args[1:])
	case "export":
		return exportCmd(ctx, args[1:])
	case "import":
		return importCmd(ctx, args[1:])
	case "migrate":
		return migrateCmd(ctx, args[1:])
	case "migrate-store":
		return migrateStore(ctx, args[1:])
	case "reset-root-token":
		return resetRootToken(ctx, args[1:])
	case "jobs":
		return jobsCmd(ctx, args[1:])
	case "version", "--version":
		return version(args[1:])
	case "help", "-h", "--help":
		return help(ctx, args[1:])
	}
	fmt.Fprint(os.Stderr, usage)
	return usagef("unknown command %q", args[0])
}

// help is `ferry help [COMMAND]`: the list of commands, or one command's
// flags.
func help(ctx context.Context, args []string) error {
	switch {
	case len(args) == 0:
		fmt.Print(usage)
		return nil
	case len(args) > 1 || args[0] == "help":
		return usagef("help takes one command, got %q", strings.Join(args, " "))
	case args[0] == "archive":
		fmt.Print(archiveUsage)
		return nil
	}
	return run(ctx, []string{args[0], "-h"})
}

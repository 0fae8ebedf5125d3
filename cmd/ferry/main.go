// Command ferry is Ferry's server and CLI: `ferry serve` runs the
// GitLab-compatible project import/export API.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: ferry <command> [flags]

commands:
  serve           run the HTTP API, git over HTTP and the job workers
  migrate-store   move an embedded installation to PostgreSQL (and its files to S3)
  archive generate  write a GitLab export archive of a named scale (s, m, l, xl)
  bench           measure import and export against the floor at a scale
  version         print Ferry's version
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && (os.Args[1] == "serve" || os.Args[1] == "migrate-store") {
		// What these write (database, repositories, stored files, scratch
		// space) is owner-only, whichever library or git process writes it.
		syscall.Umask(0o077)
	}
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "ferry:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:])
	case "bench":
		return benchCmd(ctx, args[1:])
	case "archive":
		return archiveCmd(ctx, args[1:])
	case "migrate-store":
		return migrateStore(ctx, args[1:])
	case "version", "--version":
		return version()
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

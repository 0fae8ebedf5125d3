package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/ferryhq/ferry/internal/remote"
)

// remoteFlags are the flags of the commands that call a server: --server
// and --token.
type remoteFlags struct {
	server, token *string
}

func addRemoteFlags(fs *flag.FlagSet) remoteFlags {
	return remoteFlags{
		server: fs.String("server", os.Getenv("FERRY_SERVER"), "the server's URL, GitLab or Ferry (FERRY_SERVER)"),
		token: fs.String("token", "", "a personal access token with the api scope "+
			"(default FERRY_TOKEN or GITLAB_TOKEN, else asked for on the terminal)"),
	}
}

// client is the client of --server with the token.
func (f remoteFlags) client(cmd string, logger *slog.Logger) (*remote.Client, error) {
	if *f.server == "" {
		return nil, usagef("%s: --server URL is required", cmd)
	}
	token, err := readToken(cmd, *f.server, *f.token)
	if err != nil {
		return nil, err
	}
	c, err := remote.New(*f.server, token, logger)
	if err != nil {
		return nil, usagef("%s: --%v", cmd, err)
	}
	return c, nil
}

// readToken is the token: the flag's, FERRY_TOKEN's, GITLAB_TOKEN's, or
// typed on the terminal without echo. It is never printed.
func readToken(cmd, server, flagValue string) (string, error) {
	for _, t := range []string{flagValue, os.Getenv("FERRY_TOKEN"), os.Getenv("GITLAB_TOKEN")} {
		if t = strings.TrimSpace(t); t != "" {
			return t, nil
		}
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", usagef("%s: no token: give --token, or set FERRY_TOKEN or GITLAB_TOKEN", cmd)
	}
	fmt.Fprintf(os.Stderr, "Token for %s: ", server)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", fmt.Errorf("%s: read the token: %w", cmd, err)
	}
	if t := strings.TrimSpace(string(b)); t != "" {
		return t, nil
	}
	return "", usagef("%s: no token given", cmd)
}

// parseArgs parses flags given before, between or after the arguments
// and returns the arguments, refusing any number but want (named by
// names in the message).
func parseArgs(fs *flag.FlagSet, args []string, want int, names string) ([]string, error) {
	fs.SetOutput(os.Stderr)
	var pos []string
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			return nil, errHelp
		case err != nil:
			return nil, usageError{}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != want {
		return nil, usagef("%s takes %s, got %q", fs.Name(), names, strings.Join(pos, " "))
	}
	return pos, nil
}

// cliLogger logs the client's waits and retries on stderr.
func cliLogger() *slog.Logger { return newLogger("text", "info") }

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
	return newClient(cmd, *f.server, "--token", *f.token, logger, "FERRY_TOKEN", "GITLAB_TOKEN")
}

// newClient is the client of server, with the token of the flag (named
// flag), of the first environment variable set, or typed.
func newClient(cmd, server, flag, flagToken string, logger *slog.Logger, envs ...string) (*remote.Client, error) {
	token, err := readToken(cmd, server, flag, flagToken, envs...)
	if err != nil {
		return nil, err
	}
	c, err := remote.New(server, token, logger)
	if err != nil {
		return nil, usagef("%s: --%v", cmd, err)
	}
	return c, nil
}

// readToken is the token: the flag's, the first of envs set, or typed
// on the terminal without echo. It is never printed.
func readToken(cmd, server, flag, flagValue string, envs ...string) (string, error) {
	values := []string{flagValue}
	for _, e := range envs {
		values = append(values, os.Getenv(e))
	}
	for _, t := range values {
		if t = strings.TrimSpace(t); t != "" {
			return t, nil
		}
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", usagef("%s: no token for %s: give %s, or set %s", cmd, server, flag, strings.Join(envs, " or "))
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
// names in the message; want -1 takes any number).
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
	if want >= 0 && len(pos) != want {
		return nil, usagef("%s takes %s, got %q", fs.Name(), names, strings.Join(pos, " "))
	}
	return pos, nil
}

// cliLogger logs the client's waits and retries on stderr.
func cliLogger() *slog.Logger { return newLogger("text", "info") }

// setUsage makes -h print the command's synopsis before its flags.
func setUsage(fs *flag.FlagSet, synopsis string) {
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: ferry %s\n\nflags:\n", synopsis)
		fs.PrintDefaults()
	}
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
)

// errHelp is returned once a command's help was printed: the command
// succeeded (exit 0).
var errHelp = errors.New("help shown")

// usageError is a mistake in the command line (exit 2). Its message is
// empty when the flag package already printed the reason and the usage.
type usageError struct{ msg string }

func (e usageError) Error() string {
	if e.msg == "" {
		return "invalid command line"
	}
	return e.msg
}

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitCode is the process's exit status for run's error, printing the
// error on stderr unless it was already said.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintln(os.Stderr, "ferry:", ue.msg)
		}
		return 2
	}
	fmt.Fprintln(os.Stderr, "ferry:", err)
	return 1
}

// parseFlags parses a command's flags: -h and --help print its usage once
// (errHelp), a bad flag is reported once by the flag package with the
// usage (usageError), and a command that takes no arguments refuses them.
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(os.Stderr)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return errHelp
	case err != nil:
		return usageError{}
	case fs.NArg() > 0:
		return usagef("%s takes no arguments, got %q", fs.Name(), strings.Join(fs.Args(), " "))
	}
	return nil
}

// oneOf refuses a value that is not one of allowed, naming both.
func oneOf(what, value string, allowed ...string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return usagef("%s %q: want one of %s", what, value, strings.Join(allowed, ", "))
}

package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/ferryhq/ferry/internal/api"
)

// version is `ferry version`: the module version and the VCS revision the
// binary was built from, as the Go toolchain recorded them.
func version(args []string) error {
	if len(args) > 0 {
		return usagef("version takes no arguments, got %q", strings.Join(args, " "))
	}
	fmt.Println(versionLine())
	return nil
}

func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "ferry " + api.Version
	}
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = api.Version
	}
	line := "ferry " + v
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		line += " (" + rev
		if settings["vcs.modified"] == "true" {
			line += ", modified"
		}
		line += ")"
	}
	return line + " " + info.GoVersion
}

package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestREADME_DocumentsEveryServeFlag pins that the README's configuration
// table names every flag `ferry serve --help` lists and every variable
// its help mentions, and the variables read without a flag.
func TestREADME_DocumentsEveryServeFlag(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(buildFerry(t), "serve", "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("serve --help: %v\n%s", err, out)
	}
	flags := regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(string(out), -1)
	if len(flags) < 10 {
		t.Fatalf("found %d flags in:\n%s", len(flags), out)
	}
	for _, f := range flags {
		if !strings.Contains(string(readme), "| `--"+f[1]+"` |") {
			t.Errorf("README's configuration table lacks --%s", f[1])
		}
	}
	vars := regexp.MustCompile(`FERRY_[A-Z0-9_]+`).FindAllString(string(out), -1)
	vars = append(vars, "FERRY_ROOT_TOKEN", "FERRY_SECRET_KEY", "GOMEMLIMIT")
	for _, v := range vars {
		if !strings.Contains(string(readme), "`"+v+"`") {
			t.Errorf("README lacks %s", v)
		}
	}
}

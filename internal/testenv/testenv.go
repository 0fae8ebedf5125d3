// Package testenv decides what Ferry's tests do when a real part they
// drive is not installed here: a client (curl, python-gitlab, Node with
// @gitbeaker/rest) or a server (an S3-compatible store). Such a test is
// skipped on a bare machine, so that `go test ./...` passes in a plain
// clone, and fails where the part is required (FERRY_TEST_REQUIRE=1, as
// .ci/run sets it). Main tells a person at a terminal what was skipped,
// since `go test ./...` shows skips only with -v.
package testenv

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

var (
	mu      sync.Mutex
	skipped = map[string]string{} // part → how to get it
)

// Required reports whether missing parts fail tests instead of skipping
// them.
func Required() bool { return os.Getenv("FERRY_TEST_REQUIRE") != "" }

// Missing skips t because part is not available (how says how to get it),
// or fails it when parts are required.
func Missing(t testing.TB, part, how string) {
	t.Helper()
	msg := fmt.Sprintf("%s is not available: %s", part, how)
	if Required() {
		t.Fatal(msg)
	}
	mu.Lock()
	skipped[part] = how
	mu.Unlock()
	t.Skip(msg)
}

// NeedFile returns path, or skips t (see Missing) when it does not exist.
func NeedFile(t testing.TB, path, part, how string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Missing(t, part, how)
	}
	return path
}

// Main runs the package's tests and, when some were skipped for a missing
// part, says so on the terminal (when there is one): go test prints a
// passing package's output only with -v.
func Main(m *testing.M) {
	code := m.Run()
	if note := Summary(); note != "" {
		fmt.Fprint(os.Stderr, note)
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			fmt.Fprint(tty, note)
			tty.Close()
		}
	}
	os.Exit(code)
}

// Summary is the note Main prints: one line per missing part, "" when
// nothing was skipped.
func Summary() string {
	mu.Lock()
	defer mu.Unlock()
	if len(skipped) == 0 {
		return ""
	}
	parts := make([]string, 0, len(skipped))
	for part := range skipped {
		parts = append(parts, part)
	}
	slices.Sort(parts)
	var b strings.Builder
	wd, _ := os.Getwd()
	fmt.Fprintf(&b, "note: tests in %s were skipped for want of real parts:\n", wd)
	for _, part := range parts {
		fmt.Fprintf(&b, "  %s: %s\n", part, skipped[part])
	}
	return b.String()
}

package git

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// niceOf returns field 19 of a /proc/<pid>/stat line: the nice value.
func niceOf(t *testing.T, stat string) int {
	t.Helper()
	fields := strings.Fields(stat[strings.LastIndexByte(stat, ')')+1:])
	n, err := strconv.Atoi(fields[16]) // fields from the state on: nice is the 17th
	if err != nil {
		t.Fatalf("stat %q: %v", stat, err)
	}
	return n
}

// Background git (an import's indexing) runs at backgroundNice more than
// this process from its start, and so do the processes it starts (here a
// shell alias reading its own /proc/self/stat); other git runs as this
// process does.
func TestBackground_GitStartsNiced(t *testing.T) {
	t.Parallel()
	self, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Skip("no /proc: ", err)
	}
	if niceBinary() == "" {
		t.Skip("no nice(1) here: background git runs at the normal priority")
	}
	dir := t.TempDir()
	if err := Init(t.Context(), dir, "main"); err != nil {
		t.Fatal(err)
	}
	alias := []string{"-c", "alias.stat=!cat /proc/self/stat", "stat"}
	base := niceOf(t, string(self))
	background, err := inRepoBackground(t.Context(), dir, nil, alias...)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := niceOf(t, background), min(base+backgroundNice, 19); got != want {
		t.Errorf("background git's child runs at nice %d, want %d", got, want)
	}
	normal, err := inRepo(t.Context(), dir, nil, nil, alias...)
	if err != nil {
		t.Fatal(err)
	}
	if got := niceOf(t, normal); got != base {
		t.Errorf("git runs at nice %d, want this process's %d", got, base)
	}
}

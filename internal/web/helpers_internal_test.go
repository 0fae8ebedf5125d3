package web

import (
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/content"
)

func TestArchiveFormat(t *testing.T) {
	for file, want := range map[string]string{
		"p-v1.0.tar.gz": "tar.gz", "p-v1.0.tgz": "tar.gz", "p-v1.0.zip": "zip", "p-v1.0.tar.bz2": "tar.bz2",
		"p-v1.0.tar": "tar", "p-v1.0.gz": "tar.gz", "p-v1.0.rar": "", "zip": "", ".zip": "", "p-v1.0": "",
	} {
		if got := archiveFormat(file); got != want {
			t.Errorf("archiveFormat(%q) = %q, want %q", file, got, want)
		}
	}
}

func TestLineClass(t *testing.T) {
	for _, tc := range []struct {
		line   string
		inHunk bool
		want   string
	}{
		{"@@ -1 +1 @@", false, "hunk"}, {"--- a/x", false, "file"}, {"+++ b/x", false, "file"},
		{"--- removed: a line of dashes", true, "del"}, {"+++ added", true, "add"},
		{"+added", true, "add"}, {"-removed", true, "del"}, {" context", true, ""}, {"", true, ""},
		{`\ No newline at end of file`, true, ""},
	} {
		if got := lineClass(tc.line, tc.inHunk); got != tc.want {
			t.Errorf("lineClass(%q, %v) = %q, want %q", tc.line, tc.inHunk, got, tc.want)
		}
	}
}

// TestDiffFiles_Cut shows at most maxDiffLines lines of a merge request's
// diff, marking the files it cuts.
func TestDiffFiles_Cut(t *testing.T) {
	big := strings.Repeat("+line\n", maxDiffLines-1)
	files := diffFiles([]content.DiffFile{{NewPath: "a", Diff: big}, {NewPath: "b", Diff: "+x\n+y\n"},
		{NewPath: "c", Diff: "+z\n"}, {NewPath: "d"}})
	got := []int{len(files[0].Lines), len(files[1].Lines), len(files[2].Lines), len(files[3].Lines)}
	cut := []bool{files[0].Cut, files[1].Cut, files[2].Cut, files[3].Cut}
	if got[0] != maxDiffLines-1 || got[1] != 1 || got[2] != 0 || got[3] != 0 {
		t.Errorf("lines shown: %v", got)
	}
	if cut[0] || !cut[1] || !cut[2] || cut[3] {
		t.Errorf("files cut: %v", cut)
	}
}

func TestWhen(t *testing.T) {
	s := "2019-12-25T10:17:14.621Z"
	for _, tc := range []struct {
		in   any
		want string
	}{
		{s, "2019-12-25 10:17 UTC"}, {&s, "2019-12-25 10:17 UTC"}, {(*string)(nil), ""},
		{"2019-12-25", "2019-12-25"}, {"", ""},
	} {
		if got := when(tc.in); got != tc.want {
			t.Errorf("when(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

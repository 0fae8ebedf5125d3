package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of the command line's output")

// TestCLI_GoldenOutput pins, byte for byte, what the commands print
// when stdout is not a terminal: plain text, no escape codes. Run with
// -update to rewrite testdata/golden after a deliberate change.
func TestCLI_GoldenOutput(t *testing.T) {
	t.Parallel()
	bin, dir := buildFerry(t), t.TempDir()
	files := map[string][]byte{
		"fixture.tar.gz": scaleArchive(t),
		"blank.tar.gz": packArchive(t, map[string]string{"VERSION": "0.2.4", "GITLAB_VERSION": "17.8.1", "tree/project.json": `{"description":"d"}`,
			"tree/project/labels.ndjson": `{"title":""}` + "\n",
			"tree/project/issues.ndjson": `{"title":"ok"}` + "\n" + `{"title":" "}` + "\n" + `{"iid":3}` + "\n"}),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		golden string
		args   []string
		code   int
	}{
		{"inspect-fixture.txt", []string{"archive", "inspect", "fixture.tar.gz"}, 0},
		{"inspect-fixture.json", []string{"archive", "inspect", "--json", "fixture.tar.gz"}, 0},
		{"validate-fixture.txt", []string{"archive", "validate", "fixture.tar.gz"}, 0},
		{"inspect-blank.txt", []string{"archive", "inspect", "blank.tar.gz"}, 0},
		{"validate-blank.txt", []string{"archive", "validate", "blank.tar.gz"}, 1},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			t.Parallel()
			out, code := runCLI(t, bin, dir, nil, tt.args...)
			path := filepath.Join("testdata", "golden", tt.golden)
			if *update {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || out != string(want) {
				t.Errorf("exit %d, want %d; output:\n%s\nwant:\n%s", code, tt.code, out, want)
			}
		})
	}
}

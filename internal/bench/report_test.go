package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSave_OneResultPerScaleStoreAndWorkers pins the results file: a
// PostgreSQL row and throughput rows sit beside the SQLite row of the same
// scale (an older file's rows, without a store, are SQLite's), a new run
// replaces only its own row, and the report shows each kind in its table.
func TestSave_OneResultPerScaleStoreAndWorkers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "results.json")
	if err := os.WriteFile(path, []byte(`[{"Scale":"m","ImportSec":9}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	runs := []Result{
		{Point: Point{Scale: "m", ImportSec: 10}, Store: "sqlite", Counts: map[string]int64{"notes": 7}},
		{Point: Point{Scale: "m", ImportSec: 12}, Store: "postgres"},
		{Point: Point{Scale: "m", ImportSec: 13, ArchiveBytes: 6e8}, Store: "postgres", Workers: 2},
		{Point: Point{Scale: "m", ImportSec: 20, ArchiveBytes: 6e8}, Store: "postgres", Workers: 4},
	}
	var all []Result
	for _, r := range runs {
		var err error
		if all, err = Save(path, r); err != nil {
			t.Fatal(err)
		}
	}
	if len(all) != 4 {
		t.Fatalf("%d results, want 4: %+v", len(all), all)
	}
	report := filepath.Join(dir, "B.md")
	if err := WriteReport(report, all, "c.png"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(report)
	text := string(b)
	for _, want := range []string{"| m | 0.0 | 0 | 10.00 |", "**PostgreSQL**", "| m | 0.0 | 0 | 12.00 |",
		"| m | postgres | 2 | 13.00 | 9.2 | 92.3 |", "| m | postgres | 4 | 20.00 | 12.0 | 120.0 |", "| m | 0 | 0 | 7 |"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
}

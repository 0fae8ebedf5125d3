package bench

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func chartTestPoints() []Point {
	// Deliberately unsorted: WriteChart sorts by ArchiveBytes.
	return []Point{
		{Scale: "l", ArchiveBytes: 820e6, ImportSec: 61, ImportFloorSec: 38, ExportSec: 44, ExportFloorSec: 29, ImportRSSMB: 212, ExportRSSMB: 171},
		{Scale: "s", ArchiveBytes: 12e6, ImportSec: 2.4, ImportFloorSec: 0.9, ExportSec: 1.8, ExportFloorSec: 0.7, ImportRSSMB: 64, ExportRSSMB: 58},
		{Scale: "m", ArchiveBytes: 150e6, ImportSec: 13.5, ImportFloorSec: 7.2, ExportSec: 9.9, ExportFloorSec: 5.1, ImportRSSMB: 131, ExportRSSMB: 104},
	}
}

func TestChartWritesPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chart.png")
	if err := WriteChart(path, chartTestPoints()); err != nil {
		t.Fatalf("WriteChart: %v", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got := img.Bounds().Size(); got.X != chartW || got.Y != chartH {
		t.Fatalf("size = %v, want %dx%d", got, chartW, chartH)
	}
	found := map[color.RGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			found[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)] = true
		}
	}
	for name, c := range map[string]color.RGBA{
		"import": colImport, "import floor": colImportFloor, "export": colExport,
		"export floor": colExportFloor, "target": colTarget, "background": {255, 255, 255, 255},
	} {
		if !found[c] {
			t.Errorf("no %s pixels (colour %v)", name, c)
		}
	}
}

func TestChartErrors(t *testing.T) {
	if err := WriteChart(filepath.Join(t.TempDir(), "x.png"), nil); err == nil {
		t.Error("WriteChart(nil) succeeded, want error")
	}
	bad := filepath.Join(t.TempDir(), "missing-dir", "x.png")
	if err := WriteChart(bad, chartTestPoints()); err == nil {
		t.Error("WriteChart to a missing directory succeeded, want error")
	}
}

// TestChartSample writes a chart for eyeballing when BENCH_CHART_SAMPLE names
// an output path.
func TestChartSample(t *testing.T) {
	path := os.Getenv("BENCH_CHART_SAMPLE")
	if path == "" {
		t.Skip("set BENCH_CHART_SAMPLE=/path/to/out.png to write a sample chart")
	}
	pts := append(chartTestPoints(), Point{Scale: "xl", ArchiveBytes: 2100e6, ImportSec: 158, ImportFloorSec: 97,
		ExportSec: 112, ExportFloorSec: 74, ImportRSSMB: 241, ExportRSSMB: 188})
	if err := WriteChart(path, pts); err != nil {
		t.Fatal(err)
	}
}

func TestChartSingleZeroPoint(t *testing.T) {
	if err := WriteChart(filepath.Join(t.TempDir(), "one.png"), []Point{{Scale: "s"}}); err != nil {
		t.Fatalf("WriteChart of one all-zero point: %v", err)
	}
}

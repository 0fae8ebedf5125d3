package bench

import (
	"cmp"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"slices"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Point is one benchmarked scale.
type Point struct {
	Scale                                                string // "s", "m", "l", "xl"
	ArchiveBytes                                         int64
	ImportSec, ImportFloorSec, ExportSec, ExportFloorSec float64
	ImportRSSMB, ExportRSSMB                             float64 // server peak RSS
}

const (
	chartW, chartH = 1200, 500
	rssTargetMB    = 256
	markerHalf     = 3
)

var (
	colImport      = color.RGBA{31, 119, 180, 255}
	colImportFloor = color.RGBA{255, 127, 14, 255}
	colExport      = color.RGBA{44, 160, 44, 255}
	colExportFloor = color.RGBA{214, 39, 40, 255}
	colTarget      = color.RGBA{128, 128, 128, 255}
	colGrid        = color.RGBA{230, 230, 230, 255}
	colAxis        = color.RGBA{0, 0, 0, 255}
)

// series is one plotted line: a y value per point.
type series struct {
	name string
	col  color.RGBA
	ys   []float64
}

// panel maps data coordinates into a plot rectangle of the image.
type panel struct {
	img          *image.RGBA
	plot         image.Rectangle
	xMax, yMax   float64
	xStep, yStep float64
}

// WriteChart draws points (sorted by ArchiveBytes) as a 1200x500 PNG at path:
// time vs archive size on the left, server peak RSS vs archive size on the
// right. It returns an error for an empty points slice or a write failure.
func WriteChart(path string, points []Point) error {
	if len(points) == 0 {
		return errors.New("bench: no points to chart")
	}
	pts := slices.Clone(points)
	slices.SortFunc(pts, func(a, b Point) int { return cmp.Compare(a.ArchiveBytes, b.ArchiveBytes) })
	xs := make([]float64, len(pts))
	labels := make([]string, len(pts))
	col := func(f func(Point) float64) []float64 {
		out := make([]float64, len(pts))
		for i, p := range pts {
			out[i] = f(p)
		}
		return out
	}
	for i, p := range pts {
		xs[i], labels[i] = float64(p.ArchiveBytes)/1e6, p.Scale
	}
	img := image.NewRGBA(image.Rect(0, 0, chartW, chartH))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	drawPanel(img, image.Rect(0, 0, chartW/2, chartH), "Time (s) vs archive size (MB)", xs, labels, []series{
		{"Ferry import", colImport, col(func(p Point) float64 { return p.ImportSec })},
		{"import floor", colImportFloor, col(func(p Point) float64 { return p.ImportFloorSec })},
		{"Ferry export", colExport, col(func(p Point) float64 { return p.ExportSec })},
		{"export floor", colExportFloor, col(func(p Point) float64 { return p.ExportFloorSec })},
	}, 0)
	drawPanel(img, image.Rect(chartW/2, 0, chartW, chartH), "Server peak RSS (MB) vs archive size (MB)", xs, labels, []series{
		{"during import", colImport, col(func(p Point) float64 { return p.ImportRSSMB })},
		{"during export", colExport, col(func(p Point) float64 { return p.ExportRSSMB })},
	}, rssTargetMB)
	return writePNG(path, img)
}

// drawPanel draws a titled line plot with a legend into bounds. A positive
// target adds a labelled dashed horizontal reference line at that y value.
func drawPanel(img *image.RGBA, bounds image.Rectangle, title string, xs []float64, labels []string, ss []series, target float64) {
	drawText(img, bounds.Min.X+(bounds.Dx()-textWidth(title))/2, bounds.Min.Y+20, title, colAxis)
	p := &panel{img: img, plot: image.Rect(bounds.Min.X+70, bounds.Min.Y+64, bounds.Max.X-25, bounds.Max.Y-50)}
	yMax := target
	for _, s := range ss {
		yMax = max(yMax, slices.Max(s.ys))
	}
	p.xMax, p.xStep = niceAxis(slices.Max(xs))
	p.yMax, p.yStep = niceAxis(yMax * 1.1)
	p.drawAxes()
	drawText(img, p.plot.Min.X+(p.plot.Dx()-textWidth("archive size (MB)"))/2, p.plot.Max.Y+40, "archive size (MB)", colAxis)
	if target > 0 {
		y := p.py(target)
		dashedHLine(img, p.plot.Min.X, p.plot.Max.X, y, colTarget)
		label := fmt.Sprintf("target %d MB", int(target))
		drawText(img, p.plot.Max.X-textWidth(label)-4, y-6, label, colTarget)
	}
	var avoid []image.Rectangle
	if target > 0 {
		avoid = append(avoid, image.Rect(p.plot.Min.X, p.py(target)-16, p.plot.Max.X, p.py(target)+3))
	}
	for _, s := range ss {
		p.drawSeries(xs, s)
	}
	p.drawPointLabels(xs, labels, ss, avoid)
	drawLegend(img, p.plot.Min.X, bounds.Min.Y+42, ss)
}

// drawAxes draws grid lines, both axes, tick marks and tick labels.
func (p *panel) drawAxes() {
	r := p.plot
	for i := 0; ; i++ {
		v := float64(i) * p.xStep
		if v > p.xMax*(1+1e-9) {
			break
		}
		x := p.px(v)
		vLine(p.img, x, r.Min.Y, r.Max.Y, colGrid)
		vLine(p.img, x, r.Max.Y, r.Max.Y+5, colAxis)
		s := formatTick(v, p.xStep)
		drawText(p.img, x-textWidth(s)/2, r.Max.Y+18, s, colAxis)
	}
	for i := 0; ; i++ {
		v := float64(i) * p.yStep
		if v > p.yMax*(1+1e-9) {
			break
		}
		y := p.py(v)
		hLine(p.img, r.Min.X, r.Max.X, y, colGrid)
		hLine(p.img, r.Min.X-5, r.Min.X, y, colAxis)
		s := formatTick(v, p.yStep)
		drawText(p.img, r.Min.X-8-textWidth(s), y+4, s, colAxis)
	}
	vLine(p.img, r.Min.X, r.Min.Y, r.Max.Y, colAxis)
	hLine(p.img, r.Min.X, r.Max.X, r.Max.Y, colAxis)
}

// drawSeries draws one series as a 2px line through square markers.
func (p *panel) drawSeries(xs []float64, s series) {
	for i := 1; i < len(xs); i++ {
		drawLine(p.img, p.px(xs[i-1]), p.py(s.ys[i-1]), p.px(xs[i]), p.py(s.ys[i]), s.col)
	}
	for i := range xs {
		fillSquare(p.img, p.px(xs[i]), p.py(s.ys[i]), markerHalf, s.col)
	}
}

// drawPointLabels writes each point's scale name above its highest marker,
// moving a label up while it would overlap one already placed or avoid.
func (p *panel) drawPointLabels(xs []float64, labels []string, ss []series, avoid []image.Rectangle) {
	placed := slices.Clone(avoid)
	for i, label := range labels {
		top := p.plot.Max.Y
		for _, s := range ss {
			top = min(top, p.py(s.ys[i]))
		}
		w := textWidth(label)
		x := max(p.px(xs[i])-w/2, p.plot.Min.X+markerHalf+4)
		r := image.Rect(x, top-markerHalf-17, x+w+1, top-markerHalf-4)
		if slices.ContainsFunc(placed, r.Overlaps) { // try right of the marker
			side := image.Rect(p.px(xs[i])+markerHalf+5, top-7, p.px(xs[i])+markerHalf+6+w, top+6)
			if !slices.ContainsFunc(placed, side.Overlaps) && side.Max.X <= p.plot.Max.X {
				r = side
			}
		}
		for slices.ContainsFunc(placed, r.Overlaps) {
			r = r.Sub(image.Pt(0, 13))
		}
		placed = append(placed, r)
		drawText(p.img, r.Min.X, r.Max.Y-2, label, colAxis)
	}
}

// drawLegend draws one row of colour swatches with series names at (x, y).
func drawLegend(img *image.RGBA, x, y int, ss []series) {
	for _, s := range ss {
		hThick(img, x, x+20, y, s.col)
		fillSquare(img, x+10, y, markerHalf, s.col)
		drawText(img, x+26, y+4, s.name, colAxis)
		x += 26 + textWidth(s.name) + 18
	}
}

// px converts a data x value into an image column.
func (p *panel) px(v float64) int {
	return p.plot.Min.X + int(math.Round(v/p.xMax*float64(p.plot.Dx())))
}

// py converts a data y value into an image row.
func (p *panel) py(v float64) int {
	return p.plot.Max.Y - int(math.Round(v/p.yMax*float64(p.plot.Dy())))
}

// niceAxis returns a round axis maximum covering hi and a 1/2/5×10^n tick
// step giving about five ticks.
func niceAxis(hi float64) (axisMax, step float64) {
	if !(hi > 0) || math.IsInf(hi, 0) {
		hi = 1
	}
	raw := hi / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	switch n := raw / mag; {
	case n <= 1:
		step = mag
	case n <= 2:
		step = 2 * mag
	case n <= 5:
		step = 5 * mag
	default:
		step = 10 * mag
	}
	return math.Ceil(hi/step-1e-9) * step, step
}

// formatTick formats v with just enough decimals for the tick step.
func formatTick(v, step float64) string {
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	return fmt.Sprintf("%.*f", decimals, v)
}

// drawLine draws a 2px thick line from (x0, y0) to (x1, y1) (Bresenham).
func drawLine(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		fillRect(img, x0, y0, x0+2, y0+2, c)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

// dashedHLine draws a 2px thick dashed horizontal line.
func dashedHLine(img *image.RGBA, x0, x1, y int, c color.RGBA) {
	const dash, gap = 8, 5
	for x := x0; x < x1; x += dash + gap {
		fillRect(img, x, y, min(x+dash, x1), y+2, c)
	}
}

func hThick(img *image.RGBA, x0, x1, y int, c color.RGBA) { fillRect(img, x0, y-1, x1, y+1, c) }
func hLine(img *image.RGBA, x0, x1, y int, c color.RGBA)  { fillRect(img, x0, y, x1+1, y+1, c) }
func vLine(img *image.RGBA, x, y0, y1 int, c color.RGBA)  { fillRect(img, x, y0, x+1, y1+1, c) }

// fillSquare draws a filled square marker centred on (x, y).
func fillSquare(img *image.RGBA, x, y, half int, c color.RGBA) {
	fillRect(img, x-half, y-half, x+half+2, y+half+2, c)
}

// fillRect fills the half-open rectangle [x0,x1)×[y0,y1).
func fillRect(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	draw.Draw(img, image.Rect(x0, y0, x1, y1), image.NewUniform(c), image.Point{}, draw.Src)
}

// drawText writes s with its baseline starting at (x, y).
func drawText(img *image.RGBA, x, y int, s string, c color.RGBA) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

func textWidth(s string) int { return font.MeasureString(basicfont.Face7x13, s).Round() }

func abs(v int) int { return max(v, -v) }

func sign(v int) int { return cmp.Compare(v, 0) }

// writePNG encodes img to path.
func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: create chart: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("bench: encode chart: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("bench: write chart: %w", err)
	}
	return nil
}

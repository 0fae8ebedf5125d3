package web

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
)

// faviconColors are the colours of the CI status favicons GitLab serves
// at /assets/ci_favicons/favicon_status_<status>.png (a pipeline's
// detailed_status favicon), drawn here as small discs.
var faviconColors = map[string]color.RGBA{
	"success": {0x10, 0x85, 0x48, 0xff}, "failed": {0xdd, 0x2b, 0x0e, 0xff}, "running": {0x1f, 0x75, 0xcb, 0xff},
	"pending": {0xc1, 0x71, 0x1f, 0xff}, "preparing": {0x89, 0x88, 0x8d, 0xff}, "created": {0x89, 0x88, 0x8d, 0xff},
	"canceled": {0x53, 0x51, 0x58, 0xff}, "skipped": {0x89, 0x88, 0x8d, 0xff}, "manual": {0x53, 0x51, 0x58, 0xff},
	"manual_with_auto_play": {0x53, 0x51, 0x58, 0xff}, "scheduled": {0x53, 0x51, 0x58, 0xff},
	"warning": {0xc1, 0x71, 0x1f, 0xff}, "not_found": {0x89, 0x88, 0x8d, 0xff},
}

// favicons are the encoded favicons by file name, drawn once.
var favicons = drawFavicons()

func drawFavicons() map[string][]byte {
	out := map[string][]byte{}
	for status, c := range faviconColors {
		img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
		for y := range 16 {
			for x := range 16 {
				if dx, dy := x*2-15, y*2-15; dx*dx+dy*dy <= 15*15 {
					img.Set(x, y, c)
				}
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			panic(err) // encoding to memory cannot fail
		}
		out["favicon_status_"+status+".png"] = buf.Bytes()
	}
	return out
}

// favicon is /assets/ci_favicons/<name>.
func (s *Web) favicon(w http.ResponseWriter, r *request) error {
	b, ok := favicons[strings.TrimPrefix(r.URL.Path, "/assets/ci_favicons/")]
	if !ok {
		return ferry.ErrNotFound
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(b)
	return err
}

package store

import (
	"math"
	"testing"
)

// TestPage_Offset pins that a page's offset never wraps: a page too far
// for any list saturates at math.MaxInt.
func TestPage_Offset(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		page     Page
		off, end int
	}{
		{Page{1, 20}, 0, 20}, {Page{0, 20}, 0, 20}, {Page{3, 2}, 4, 6},
		{Page{math.MaxInt, 20}, math.MaxInt, math.MaxInt},
		{Page{1 << 62, 2}, math.MaxInt - 1, math.MaxInt},
		{Page{1<<62 + 1, 2}, math.MaxInt, math.MaxInt},
		{Page{math.MaxInt/100 + 1, 100}, math.MaxInt / 100 * 100, math.MaxInt},
	} {
		if off, end := tt.page.Offset(), tt.page.End(); off != tt.off || end != tt.end {
			t.Errorf("%+v: offset %d end %d, want %d %d", tt.page, off, end, tt.off, tt.end)
		}
	}
}

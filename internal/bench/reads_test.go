package bench

import (
	"testing"
	"time"
)

func TestPct(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	for _, c := range []struct{ p, want int }{{50, 50}, {95, 95}, {99, 99}, {100, 100}} {
		if got := pct(d, c.p); got != time.Duration(c.want) {
			t.Errorf("pct(1..100, %d) = %d, want %d", c.p, got, c.want)
		}
	}
	if got := pct(d[:20], 99); got != 20 {
		t.Errorf("p99 of 20 = %d, want the highest", got)
	}
	if got := pct(nil, 99); got != 0 {
		t.Errorf("p99 of none = %d", got)
	}
}

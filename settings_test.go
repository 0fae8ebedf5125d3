package ferry

import (
	"math"
	"testing"
	"time"
)

// TestSettingUnits pins that size and timeout settings convert without
// wrapping: 0 or less is none, the largest valid value is exact, a value
// past int64 saturates.
func TestSettingUnits(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		n   int
		mib int64
		dur time.Duration
	}{
		{0, 0, 0}, {-1, 0, 0}, {1, 1 << 20, time.Second},
		{MaxSettingValue, MaxSettingValue << 20, MaxSettingValue * time.Second},
		{math.MaxInt64 / int(time.Second), math.MaxInt64 / int64(time.Second) << 20, math.MaxInt64 / time.Second * time.Second},
		{1<<43 - 1, (1<<43 - 1) << 20, math.MaxInt64},
		{1 << 43, math.MaxInt64, math.MaxInt64},
		{math.MaxInt, math.MaxInt64, math.MaxInt64},
	} {
		if got := MiB(tt.n); got != tt.mib {
			t.Errorf("MiB(%d) = %d, want %d", tt.n, got, tt.mib)
		}
		if got := Seconds(tt.n); got != tt.dur {
			t.Errorf("Seconds(%d) = %d, want %d", tt.n, got, tt.dur)
		}
	}
}

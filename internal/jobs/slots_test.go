package jobs_test

import (
	"testing"

	"github.com/ferryhq/ferry/internal/jobs"
)

func TestSlots_TryTake(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		slots *jobs.Slots
		want  []bool // TryTake, three times
	}{
		{"Two", jobs.NewSlots(2), []bool{true, true, false}},
		{"Default", jobs.NewSlots(0), []bool{true, true, false}},
		{"NilBoundsNothing", nil, []bool{true, true, true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for i, want := range tt.want {
				if got := tt.slots.TryTake(); got != want {
					t.Fatalf("take %d: %v, want %v", i+1, got, want)
				}
			}
			tt.slots.Release()
			if !tt.slots.TryTake() {
				t.Error("a released slot cannot be taken again")
			}
		})
	}
}

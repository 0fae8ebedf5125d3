package api

import (
	"testing"

	"github.com/ferryhq/ferry"
)

func TestProtection_Rules(t *testing.T) {
	t.Parallel()
	rules := protection{
		{Name: "main", Push: []int{40}, Merge: []int{40}},
		{Name: "release/*", Push: []int{30}, Merge: []int{40}},
		{Name: "frozen", Push: []int{0}, Merge: []int{0}},
	}
	tests := []struct {
		branch                  string
		protected, devPush      bool
		devCanPush, maintPushes bool
	}{
		{"main", true, false, false, true},
		{"release/1.0", true, true, true, true},
		{"release/", true, true, true, true},
		{"releasex/1", false, false, true, true},
		{"frozen", true, false, false, false},
		{"topic", false, false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.branch, func(t *testing.T) {
			if got := rules.protects(tt.branch); got != tt.protected {
				t.Errorf("protects = %v, want %v", got, tt.protected)
			}
			if got := rules.developersCan(tt.branch, false); got != tt.devPush {
				t.Errorf("developersCan(push) = %v, want %v", got, tt.devPush)
			}
			if got := rules.canPush(tt.branch, ferry.Developer); got != tt.devCanPush {
				t.Errorf("canPush(Developer) = %v, want %v", got, tt.devCanPush)
			}
			if got := rules.canPush(tt.branch, ferry.Maintainer); got != tt.maintPushes {
				t.Errorf("canPush(Maintainer) = %v, want %v", got, tt.maintPushes)
			}
		})
	}
}

package jobs

import (
	"testing"

	"github.com/riverqueue/river/rivertype"
)

func TestCancelRequested(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		metadata string
		want     bool
	}{
		{"NoMetadata", ``, false},
		{"Empty", `{}`, false},
		{"Other", `{"river:log":[]}`, false},
		{"CancelAttempted", `{"cancel_attempted_at":"2026-12-01T05:52:20.503Z"}`, true},
		{"NotJSON", `cancel_attempted_at`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			job := &rivertype.JobRow{Metadata: []byte(tt.metadata)}
			if got := CancelRequested(job); got != tt.want {
				t.Errorf("CancelRequested(%s) = %v, want %v", tt.metadata, got, tt.want)
			}
		})
	}
	if CancelRequested(nil) {
		t.Error("a nil job was cancelled")
	}
}

package web

import (
	"testing"
	"time"
)

// TestAPIMessage reads the message of each shape of GitLab's error
// bodies.
func TestAPIMessage(t *testing.T) {
	for _, tt := range []struct{ body, want string }{
		{`{"message":"404 Namespace Not Found"}`, "404 Namespace Not Found"},
		{`{"message":{"name":["has already been taken"],"path":["can't be blank"]}}`,
			"name has already been taken; path can't be blank"},
		{`{"message":{"error":"You need to upload a GitLab project export archive (ending in .gz)."}}`,
			"You need to upload a GitLab project export archive (ending in .gz)."},
		{`{"error":"path is missing"}`, "path is missing"},
		{"Request Entity Too Large\n", "Request Entity Too Large"},
	} {
		if got := apiMessage([]byte(tt.body)); got != tt.want {
			t.Errorf("apiMessage(%s) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

// TestDuration is how long a job ran or runs.
func TestDuration(t *testing.T) {
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := start.Add(d); return &v }
	for _, tt := range []struct {
		name              string
		started, finished *time.Time
		want              string
	}{
		{"NotStarted", nil, nil, ""},
		{"Finished", at(0), at(90 * time.Second), "1m30s"},
		{"Running", at(0), nil, "2m0s"},
		{"Instant", at(0), at(200 * time.Millisecond), "under 1s"},
	} {
		if got := duration(tt.started, tt.finished, start.Add(2*time.Minute)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

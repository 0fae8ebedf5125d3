package ferry

import "testing"

func TestExportStatus(t *testing.T) {
	t.Parallel()
	e := func(status string) Export { return Export{Status: status} }
	for _, tt := range []struct {
		name    string
		exports []Export // newest first
		want    string
	}{
		{"None", nil, "none"},
		{"Queued", []Export{e(ExportQueued)}, "queued"},
		{"Started", []Export{e(ExportStarted)}, "started"},
		{"Finished", []Export{e(ExportFinished)}, "finished"},
		{"Regenerating", []Export{e(ExportQueued), e(ExportFinished)}, "regeneration_in_progress"},
		{"RegeneratingStarted", []Export{e(ExportStarted), e(ExportFinished)}, "regeneration_in_progress"},
		{"FailedAfterFinished", []Export{e(ExportFailed), e(ExportFinished)}, "finished"},
		{"Failed", []Export{e(ExportFailed)}, "failed"},
		{"RetryAfterFailure", []Export{e(ExportQueued), e(ExportFailed)}, "queued"},
	} {
		if got := ExportStatus(tt.exports); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

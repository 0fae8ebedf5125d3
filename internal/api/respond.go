package api

import (
	"encoding/json"
	"net/http"
	"time"
)

// writeJSON answers v with status. The Content-Type is exactly
// "application/json": python-gitlab compares it literally.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// timestamp is a time as GitLab writes it: UTC with milliseconds,
// "2017-08-29T04:36:44.383Z".
type timestamp time.Time

const gitlabTime = "2006-01-02T15:04:05.000Z"

// MarshalJSON writes GitLab's format.
func (t timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(gitlabTime) + `"`), nil
}

// ts converts a time.
func ts(t time.Time) timestamp { return timestamp(t) }

// date is a date as GitLab writes expires_at: "2026-12-31".
type date time.Time

// MarshalJSON writes YYYY-MM-DD.
func (d date) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(d).UTC().Format(time.DateOnly) + `"`), nil
}

func nilDate(t *time.Time) *date {
	if t == nil {
		return nil
	}
	v := date(*t)
	return &v
}

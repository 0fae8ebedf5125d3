package ferry

import "time"

// Progress is what a running import or export is doing: its step, the
// item of that step (a relation) and how many bytes of the step are done.
// It is Ferry's own field, shown next to GitLab's in the status entities.
type Progress struct {
	// Step is the step running (see the README for each job's steps).
	Step string `json:"step"`
	// Item names what the step works on (a relation), "" for nothing.
	Item string `json:"item,omitempty"`
	// ItemIndex is Item's place (from 1) among ItemCount items.
	ItemIndex int `json:"item_index,omitempty"`
	ItemCount int `json:"item_count,omitempty"`
	// DoneBytes is how many bytes the step has read or written; TotalBytes
	// how many it will, 0 when unknown.
	DoneBytes  int64 `json:"done_bytes"`
	TotalBytes int64 `json:"total_bytes"`
	// StepStartedAt is when the step began; UpdatedAt when this was
	// recorded.
	StepStartedAt time.Time `json:"step_started_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

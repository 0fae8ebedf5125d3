package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ferryhq/ferry"
)

// decodeProgress reads a progress column; "" is none.
func decodeProgress(s string) (*ferry.Progress, error) {
	if s == "" {
		return nil, nil
	}
	var p ferry.Progress
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return nil, fmt.Errorf("decode progress: %w", err)
	}
	return &p, nil
}

func encodeProgress(p *ferry.Progress) string {
	if p == nil {
		return ""
	}
	b, _ := json.Marshal(p)
	return string(b)
}

// SetImportProgress records project id's import progress (nil clears it).
// It leaves updated_at alone: that says when the status last changed.
func (q queries) SetImportProgress(ctx context.Context, projectID int64, p *ferry.Progress) error {
	_, err := q.exec(ctx, `UPDATE project_imports SET progress = ? WHERE project_id = ?`, encodeProgress(p), projectID)
	if err != nil {
		return fmt.Errorf("record import progress of project %d: %w", projectID, err)
	}
	return nil
}

// SetExportProgress records export id's progress (nil clears it).
func (q queries) SetExportProgress(ctx context.Context, id int64, p *ferry.Progress) error {
	_, err := q.exec(ctx, `UPDATE project_exports SET progress = ? WHERE id = ?`, encodeProgress(p), id)
	if err != nil {
		return fmt.Errorf("record export progress %d: %w", id, err)
	}
	return nil
}

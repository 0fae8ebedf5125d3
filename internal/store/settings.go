package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ferryhq/ferry"
)

// Settings returns the application settings: GitLab's defaults overlaid
// with whatever an administrator saved.
func (q queries) Settings(ctx context.Context) (ferry.Settings, error) {
	s := ferry.DefaultSettings()
	var data string
	err := q.queryRow(ctx, `SELECT data FROM application_settings WHERE id = 1`).Scan(&data)
	if err := mapError(err); errors.Is(err, ferry.ErrNotFound) {
		return s, nil
	} else if err != nil {
		return s, fmt.Errorf("read settings: %w", err)
	}
	if err := json.Unmarshal([]byte(data), &s); err != nil {
		return s, fmt.Errorf("decode settings: %w", err)
	}
	return s, nil
}

// SaveSettings stores s as the application settings.
func (q queries) SaveSettings(ctx context.Context, s ferry.Settings) error {
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	_, err = q.exec(ctx, `INSERT INTO application_settings (id, data, updated_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`, string(data), now())
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

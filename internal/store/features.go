package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/ferryhq/ferry"
)

// Gate keys as Flipper stores them.
const (
	gateBoolean            = "boolean"
	gateActors             = "actors"
	gateGroups             = "groups"
	gatePercentageOfActors = "percentage_of_actors"
	gatePercentageOfTime   = "percentage_of_time"
)

// Features returns every stored feature flag in the order they were first
// set.
func (q queries) Features(ctx context.Context) ([]ferry.Feature, error) {
	rows, err := q.query(ctx, `SELECT key FROM features ORDER BY id`)
	if err != nil {
		return nil, err
	}
	names, err := collect(rows, func(r *sql.Rows) (string, error) {
		var name string
		return name, r.Scan(&name)
	})
	if err != nil {
		return nil, err
	}
	byName := map[string]*ferry.Feature{}
	features := make([]ferry.Feature, len(names))
	for i, name := range names {
		features[i].Name = name
		byName[name] = &features[i]
	}
	rows, err = q.query(ctx, `SELECT feature_key, key, value FROM feature_gates ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return features, scanGates(rows, byName)
}

// Feature returns the stored flag name, or ferry.ErrNotFound when it was
// never set (or was deleted).
func (q queries) Feature(ctx context.Context, name string) (ferry.Feature, error) {
	f := ferry.Feature{Name: name}
	var id int64
	if err := q.queryRow(ctx, `SELECT id FROM features WHERE key = ?`, name).Scan(&id); err != nil {
		return f, mapError(err)
	}
	rows, err := q.query(ctx, `SELECT feature_key, key, value FROM feature_gates WHERE feature_key = ? ORDER BY id`, name)
	if err != nil {
		return f, err
	}
	return f, scanGates(rows, map[string]*ferry.Feature{name: &f})
}

func scanGates(rows *sql.Rows, byName map[string]*ferry.Feature) error {
	defer rows.Close()
	for rows.Next() {
		var name, key, value string
		if err := rows.Scan(&name, &key, &value); err != nil {
			return err
		}
		if f := byName[name]; f != nil {
			setGate(f, key, value)
		}
	}
	return mapError(rows.Err())
}

func setGate(f *ferry.Feature, key, value string) {
	switch key {
	case gateBoolean:
		f.Boolean = value == "true"
	case gateActors:
		f.Actors = append(f.Actors, value)
	case gateGroups:
		f.Groups = append(f.Groups, value)
	case gatePercentageOfActors:
		f.PercentageOfActors, _ = strconv.ParseFloat(value, 64)
	case gatePercentageOfTime:
		f.PercentageOfTime, _ = strconv.ParseFloat(value, 64)
	}
}

// SaveFeature stores f with exactly its gates, replacing what was stored.
func (db *DB) SaveFeature(ctx context.Context, f ferry.Feature) error {
	return db.Tx(ctx, func(tx *Tx) error {
		at := now()
		if _, err := tx.exec(ctx, `INSERT INTO features (key, created_at, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at`, f.Name, at, at); err != nil {
			return fmt.Errorf("save feature %s: %w", f.Name, err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM feature_gates WHERE feature_key = ?`, f.Name); err != nil {
			return fmt.Errorf("clear feature %s: %w", f.Name, err)
		}
		for _, g := range gates(f) {
			if _, err := tx.exec(ctx, `INSERT INTO feature_gates (feature_key, key, value, created_at) VALUES (?, ?, ?, ?)`,
				f.Name, g[0], g[1], at); err != nil {
				return fmt.Errorf("save feature %s gate %s: %w", f.Name, g[0], err)
			}
		}
		return nil
	})
}

// gates are f's non-empty gate values as (key, value) rows.
func gates(f ferry.Feature) [][2]string {
	var out [][2]string
	if f.Boolean {
		out = append(out, [2]string{gateBoolean, "true"})
	}
	for _, a := range f.Actors {
		out = append(out, [2]string{gateActors, a})
	}
	for _, g := range f.Groups {
		out = append(out, [2]string{gateGroups, g})
	}
	if f.PercentageOfActors > 0 {
		out = append(out, [2]string{gatePercentageOfActors, strconv.FormatFloat(f.PercentageOfActors, 'f', -1, 64)})
	}
	if f.PercentageOfTime > 0 {
		out = append(out, [2]string{gatePercentageOfTime, strconv.FormatFloat(f.PercentageOfTime, 'f', -1, 64)})
	}
	return out
}

// DeleteFeature forgets flag name and its gates (nothing happens when it
// is not stored).
func (q queries) DeleteFeature(ctx context.Context, name string) error {
	if _, err := q.exec(ctx, `DELETE FROM feature_gates WHERE feature_key = ?`, name); err != nil {
		return fmt.Errorf("delete feature %s gates: %w", name, err)
	}
	if _, err := q.exec(ctx, `DELETE FROM features WHERE key = ?`, name); err != nil {
		return fmt.Errorf("delete feature %s: %w", name, err)
	}
	return nil
}

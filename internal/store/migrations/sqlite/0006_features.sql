-- +goose Up
-- Feature flags as GitLab keeps them (Flipper's tables): a flag is stored
-- once it is set, with one row per gate value (the boolean gate, each
-- actor, each group, the percentages).
CREATE TABLE features (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE feature_gates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    feature_key TEXT NOT NULL REFERENCES features (key) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX feature_gates_value_key ON feature_gates (feature_key, key, value);

-- +goose Down
DROP TABLE feature_gates;
DROP TABLE features;

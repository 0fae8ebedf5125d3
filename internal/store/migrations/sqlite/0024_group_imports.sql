-- +goose Up
-- The import of a group from an archive (POST /groups/import), as
-- GitLab's group_import_states: status, error, the importing user, the
-- uploaded archive; and what Ferry adds: attempts, per-relation counts,
-- the sub-groups the running attempt created (removed when an attempt
-- starts over) and the failures (a JSON list).
CREATE TABLE group_imports (
    group_id       BIGINT PRIMARY KEY REFERENCES namespaces (id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status         TEXT NOT NULL,
    error          TEXT NOT NULL DEFAULT '',
    attempts       INTEGER NOT NULL DEFAULT 0,
    upload_key     TEXT NOT NULL DEFAULT '',
    correlation_id TEXT NOT NULL DEFAULT '',
    created_groups TEXT NOT NULL DEFAULT '[]',
    stats          TEXT NOT NULL DEFAULT '{}',
    failures       TEXT NOT NULL DEFAULT '[]',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE group_imports;

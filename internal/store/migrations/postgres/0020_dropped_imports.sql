-- +goose Up
-- What stays of an overwriting import that failed for good once its
-- temporary project is removed: enough to answer GET /projects/:id/import
-- with the failure to whoever started it. project_id is the removed
-- project's id (ids are never given twice); rows expire after a while.
CREATE TABLE dropped_imports (
    project_id     BIGINT PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    path           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    namespace_path TEXT NOT NULL,
    namespace_name TEXT NOT NULL,
    correlation_id TEXT NOT NULL DEFAULT '',
    error          TEXT NOT NULL,
    stats          TEXT NOT NULL DEFAULT '{}',
    created_at     TIMESTAMPTZ NOT NULL,
    dropped_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX dropped_imports_dropped_at ON dropped_imports (dropped_at);

-- +goose Down
DROP TABLE dropped_imports;

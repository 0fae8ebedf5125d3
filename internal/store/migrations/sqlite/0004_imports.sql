-- +goose Up
CREATE TABLE project_imports (
    project_id      BIGINT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL,
    status          TEXT NOT NULL,
    correlation_id  TEXT NOT NULL DEFAULT '',
    error           TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL DEFAULT '',
    upload_key      TEXT NOT NULL DEFAULT '',
    source_data     TEXT NOT NULL DEFAULT '',
    overwrite_id    BIGINT NOT NULL DEFAULT 0,
    original_name   TEXT NOT NULL DEFAULT '',
    original_path   TEXT NOT NULL DEFAULT '',
    override_params TEXT NOT NULL DEFAULT '{}',
    stats           TEXT NOT NULL DEFAULT '{}',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX project_imports_status ON project_imports (status, updated_at);

CREATE TABLE import_failures (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id        BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    correlation_id    TEXT NOT NULL DEFAULT '',
    relation_name     TEXT NOT NULL,
    line_number       BIGINT NOT NULL,
    exception_class   TEXT NOT NULL,
    exception_message TEXT NOT NULL,
    source            TEXT NOT NULL,
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX import_failures_project ON import_failures (project_id, id);

-- +goose Down
DROP TABLE import_failures;
DROP TABLE project_imports;

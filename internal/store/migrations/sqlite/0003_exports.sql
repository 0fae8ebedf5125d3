-- +goose Up
CREATE TABLE project_exports (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id     BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status         TEXT NOT NULL,
    description    TEXT,
    upload_url     TEXT NOT NULL DEFAULT '',
    upload_method  TEXT NOT NULL DEFAULT '',
    upload_status  TEXT NOT NULL DEFAULT '',
    upload_error   TEXT NOT NULL DEFAULT '',
    file_key       TEXT NOT NULL DEFAULT '',
    file_name      TEXT NOT NULL DEFAULT '',
    file_size      BIGINT NOT NULL DEFAULT 0,
    error          TEXT NOT NULL DEFAULT '',
    correlation_id TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    started_at     TIMESTAMP,
    finished_at    TIMESTAMP,
    expires_at     TIMESTAMP
);
CREATE INDEX project_exports_owner ON project_exports (project_id, user_id, id);
CREATE INDEX project_exports_status ON project_exports (status, updated_at);

-- The attributes of tree/project.json and the relation records of an
-- imported project, kept as GitLab wrote them so that an export gives
-- them back unchanged.
CREATE TABLE project_attributes (
    project_id BIGINT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    data       TEXT NOT NULL
);

CREATE TABLE project_relations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    relation   TEXT NOT NULL,
    position   BIGINT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX project_relations_order ON project_relations (project_id, relation, position);

-- +goose Down
DROP TABLE project_relations;
DROP TABLE project_attributes;
DROP TABLE project_exports;

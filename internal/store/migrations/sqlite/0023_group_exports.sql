-- +goose Up
-- File-based group exports (POST /groups/:id/export): one row per export
-- a user asked for, its state and, once finished, its archive in the blob
-- store. A group's exports go with it.
CREATE TABLE group_exports (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id       BIGINT NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status         TEXT NOT NULL,
    file_key       TEXT NOT NULL DEFAULT '',
    file_name      TEXT NOT NULL DEFAULT '',
    file_size      BIGINT NOT NULL DEFAULT 0,
    error          TEXT NOT NULL DEFAULT '',
    correlation_id TEXT NOT NULL DEFAULT '',
    attempts       INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    started_at     TIMESTAMP,
    finished_at    TIMESTAMP,
    expires_at     TIMESTAMP
);
CREATE INDEX group_exports_owner ON group_exports (group_id, user_id, id);
CREATE INDEX group_exports_status ON group_exports (status, updated_at);

-- A group marked for deletion (DELETE /groups/:id, as GitLab 18): when and
-- by whom; the group is removed for good after deletion_adjourned_period
-- days.
ALTER TABLE namespaces ADD COLUMN marked_for_deletion_at TIMESTAMP;
ALTER TABLE namespaces ADD COLUMN deleting_user_id BIGINT;
CREATE INDEX namespaces_marked_for_deletion ON namespaces (marked_for_deletion_at);

-- +goose Down
DROP INDEX namespaces_marked_for_deletion;
ALTER TABLE namespaces DROP COLUMN deleting_user_id;
ALTER TABLE namespaces DROP COLUMN marked_for_deletion_at;
DROP TABLE group_exports;

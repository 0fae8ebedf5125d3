-- +goose Up
-- Who each user of a project's last imported archive became: the archive's
-- user (its id and what project_members tell of it), the local user its
-- contributions went to (NULL once that user is deleted), how it was found
-- (public_email, email, or importer when none was and the importer took
-- its contributions) and how many user references of the records it held.
CREATE TABLE import_user_mappings (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id          INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    source_id           INTEGER NOT NULL,
    source_username     TEXT,
    source_name         TEXT,
    source_email        TEXT,
    source_public_email TEXT,
    user_id             INTEGER REFERENCES users (id) ON DELETE SET NULL,
    mapped_by           TEXT NOT NULL,
    contributions       INTEGER NOT NULL,
    UNIQUE (project_id, source_id)
);

-- +goose Down
DROP TABLE import_user_mappings;

-- +goose Up
CREATE TABLE users (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    username     TEXT NOT NULL,
    name         TEXT NOT NULL,
    email        TEXT NOT NULL,
    is_admin     BOOLEAN NOT NULL DEFAULT FALSE,
    state        TEXT NOT NULL DEFAULT 'active',
    namespace_id BIGINT,
    created_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE namespaces (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    path        TEXT NOT NULL,
    full_path   TEXT NOT NULL,
    full_name   TEXT NOT NULL,
    parent_id   BIGINT REFERENCES namespaces (id),
    owner_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,
    description TEXT NOT NULL DEFAULT '',
    visibility  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX namespaces_full_path_key ON namespaces (lower(full_path));
CREATE INDEX namespaces_parent_id ON namespaces (parent_id);

CREATE TABLE personal_access_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    digest       TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    expires_at   TIMESTAMP,
    revoked      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE UNIQUE INDEX personal_access_tokens_digest_key ON personal_access_tokens (digest);

CREATE TABLE members (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source_kind  TEXT NOT NULL,
    source_id    BIGINT NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    access_level INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP
);
CREATE UNIQUE INDEX members_member_key ON members (source_kind, source_id, user_id);
CREATE INDEX members_user_id ON members (user_id);

CREATE TABLE projects (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    namespace_id   BIGINT NOT NULL REFERENCES namespaces (id),
    name           TEXT NOT NULL,
    path           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    visibility     TEXT NOT NULL,
    default_branch TEXT NOT NULL,
    creator_id     BIGINT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX projects_path_key ON projects (namespace_id, lower(path));
CREATE UNIQUE INDEX projects_name_key ON projects (namespace_id, lower(name));

CREATE TABLE application_settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    data       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE application_settings;
DROP TABLE projects;
DROP TABLE members;
DROP TABLE personal_access_tokens;
DROP TABLE namespaces;
DROP TABLE users;

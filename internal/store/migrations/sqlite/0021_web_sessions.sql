-- +goose Up
-- Sessions of the web interface. A session is opened by signing in with a
-- personal access token and lasts until it expires, is ended, or its token
-- stops being valid. Only the SHA-256 digest of the session id (the
-- cookie's value) is stored.
CREATE TABLE web_sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    digest       TEXT NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_id     BIGINT NOT NULL REFERENCES personal_access_tokens (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX web_sessions_digest_key ON web_sessions (digest);
CREATE INDEX web_sessions_expires_at ON web_sessions (expires_at);

-- +goose Down
DROP TABLE web_sessions;

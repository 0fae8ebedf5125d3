-- +goose Up
CREATE TABLE rate_limit_counters (
    key        TEXT NOT NULL,
    window_no  BIGINT NOT NULL,
    hits       INTEGER NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (key, window_no)
);
CREATE INDEX rate_limit_counters_expires_at ON rate_limit_counters (expires_at);

-- +goose Down
DROP TABLE rate_limit_counters;

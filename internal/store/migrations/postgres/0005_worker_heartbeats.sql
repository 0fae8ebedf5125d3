-- +goose Up
-- Each process that works jobs records that it is alive; a job whose
-- worker stopped beating is handed to another worker.
CREATE TABLE worker_heartbeats (
    client_id TEXT PRIMARY KEY,
    seen_at   TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE worker_heartbeats;

-- +goose Up
-- PostgreSQL's records compress with lz4 from this version on; SQLite
-- stores them as they are, so nothing changes here (the versions stay
-- the same on both databases).
SELECT 1;

-- +goose Down
SELECT 1;

-- +goose Up
-- How many of an imported project's issues are open (GitLab's
-- open_issues_count), counted as the import stores them.
ALTER TABLE projects ADD COLUMN open_issues_count BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE projects DROP COLUMN open_issues_count;

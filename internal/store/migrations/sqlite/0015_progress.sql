-- +goose Up
-- What a running import or export is doing (ferry.Progress as JSON, '' for
-- nothing yet): Ferry's own field, shown next to GitLab's.
ALTER TABLE project_imports ADD COLUMN progress TEXT NOT NULL DEFAULT '';
ALTER TABLE project_exports ADD COLUMN progress TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE project_exports DROP COLUMN progress;
ALTER TABLE project_imports DROP COLUMN progress;

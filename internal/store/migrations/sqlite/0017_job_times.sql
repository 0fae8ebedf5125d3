-- +goose Up
-- What operators see of each import and export (GET /api/v4/ferry/jobs):
-- when an import began and ended, and which attempt of its job runs or
-- ran last (exports already keep their times).
ALTER TABLE project_imports ADD COLUMN started_at TIMESTAMP;
ALTER TABLE project_imports ADD COLUMN finished_at TIMESTAMP;
ALTER TABLE project_imports ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE project_exports ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX project_imports_created ON project_imports (created_at);
CREATE INDEX project_exports_created ON project_exports (created_at);

-- +goose Down
DROP INDEX project_exports_created;
DROP INDEX project_imports_created;
ALTER TABLE project_exports DROP COLUMN attempts;
ALTER TABLE project_imports DROP COLUMN attempts;
ALTER TABLE project_imports DROP COLUMN finished_at;
ALTER TABLE project_imports DROP COLUMN started_at;

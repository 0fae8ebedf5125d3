-- +goose Up
-- A record bigger than store.PartSize is kept in several rows (parts 0, 1,
-- ...), so no single value the database driver copies is bigger than that.
ALTER TABLE project_relations ADD COLUMN part INTEGER NOT NULL DEFAULT 0;
DROP INDEX project_relations_order;
CREATE INDEX project_relations_order ON project_relations (project_id, relation, position, part);

-- +goose Down
DROP INDEX project_relations_order;
CREATE INDEX project_relations_order ON project_relations (project_id, relation, position);
ALTER TABLE project_relations DROP COLUMN part;

-- +goose Up
-- What a group export archive holds of a group beside its namespace row:
-- its tree/groups/<id>.json attributes, and the records of its relations
-- (labels, milestones, badges, boards, members, ...), kept as GitLab's
-- archive writes them, a record bigger than store.PartSize in parts, as
-- for projects (project_attributes, project_relations).
CREATE TABLE group_attributes (
    group_id BIGINT PRIMARY KEY REFERENCES namespaces (id) ON DELETE CASCADE,
    data     TEXT NOT NULL
);

CREATE TABLE group_relations (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id BIGINT NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
    relation TEXT NOT NULL,
    position BIGINT NOT NULL,
    part     INTEGER NOT NULL DEFAULT 0,
    data     TEXT NOT NULL
);
CREATE INDEX group_relations_order ON group_relations (group_id, relation, position, part);

-- +goose Down
DROP TABLE group_relations;
DROP TABLE group_attributes;

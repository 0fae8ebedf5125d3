-- +goose Up
-- The read model of an imported project's issues and merge requests: one
-- row per stored record (position in project_relations), with what lists
-- filter and sort on. Label titles and assignee ids are kept as
-- ",a,b," so that one LIKE finds one of them; times as UTC text
-- ("2006-01-02T15:04:05.000Z"), which sorts as the times do. summary is
-- the rest of what the API shows of one (store.IssuableSummary, JSON), so
-- that lists never read the records, whose notes can be huge.
CREATE TABLE issuables (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    iid           INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    state         TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL,
    author_id     INTEGER,
    assignee_ids  TEXT NOT NULL,
    milestone     TEXT,
    labels        TEXT NOT NULL,
    confidential  INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    due_date      TEXT,
    source_branch TEXT,
    target_branch TEXT,
    user_notes    INTEGER NOT NULL,
    upvotes       INTEGER NOT NULL,
    downvotes     INTEGER NOT NULL,
    summary       TEXT NOT NULL
);
CREATE INDEX issuables_iid ON issuables (project_id, kind, iid);
CREATE INDEX issuables_created ON issuables (project_id, kind, created_at);

-- +goose Down
DROP TABLE issuables;

-- +goose Up
-- Lists page over these indexes alone: the order (created_at or
-- updated_at, then id) and what filters read, so that counting and
-- skipping to a deep page never touch the rows, whose descriptions and
-- summaries are most of the table (store.ListIssuables reads the rows of
-- the page only). They replace issuables_created.
CREATE INDEX issuables_list_created ON issuables (project_id, kind, created_at, id, state, labels, milestone, author_id, confidential, assignee_ids);
CREATE INDEX issuables_list_updated ON issuables (project_id, kind, updated_at, id, state, labels, milestone, author_id, confidential, assignee_ids);
DROP INDEX issuables_created;

-- +goose Down
CREATE INDEX issuables_created ON issuables (project_id, kind, created_at);
DROP INDEX issuables_list_updated;
DROP INDEX issuables_list_created;

-- +goose Up
-- The search index of issues and merge requests (search=, store.
-- ListIssuables): the words of their titles and descriptions, by column,
-- keyed by issuables.id. It is filled in bulk once a project's records are
-- stored (store.IndexIssuableSearch), not row by row, and loses a row with
-- the row (the trigger, which also covers cascades from projects).
-- issuables_words is every word it ever held, so that a search for text
-- inside words (GitLab matches %text%) finds the words that contain it.
CREATE VIRTUAL TABLE issuables_search USING fts5 (title, description, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0', detail = column);
CREATE VIRTUAL TABLE issuables_search_vocab USING fts5vocab (issuables_search, 'row');
CREATE TABLE issuables_words (word TEXT PRIMARY KEY) WITHOUT ROWID;
-- +goose StatementBegin
CREATE TRIGGER issuables_search_delete AFTER DELETE ON issuables BEGIN
    DELETE FROM issuables_search WHERE rowid = OLD.id;
END;
-- +goose StatementEnd
INSERT INTO issuables_search (rowid, title, description) SELECT id, title, description FROM issuables;
INSERT OR IGNORE INTO issuables_words (word) SELECT term FROM issuables_search_vocab;

-- +goose Down
DROP TRIGGER issuables_search_delete;
DROP TABLE issuables_words;
DROP TABLE issuables_search_vocab;
DROP TABLE issuables_search;

-- +goose Up
-- Searches of issues and merge requests (search=, store.ListIssuables)
-- match lower(title) and lower(description) with LIKE '%word%', which
-- pg_trgm's GIN indexes answer, as GitLab indexes issues' titles and
-- descriptions. pg_trgm ships with PostgreSQL (contrib) and is a trusted
-- extension; where it cannot be created, the migration warns and searches
-- scan the rows instead (same results, slower).
-- +goose StatementBegin
DO $$
DECLARE
    trgm TEXT;
BEGIN
    SELECT n.nspname INTO trgm FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF trgm IS NULL THEN
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
                CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
            ELSE
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
            END IF;
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'pg_trgm cannot be created (%): searches of issues and merge requests will scan them', SQLERRM;
        END;
        SELECT n.nspname INTO trgm FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
            WHERE e.extname = 'pg_trgm';
    END IF;
    IF trgm IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('CREATE INDEX issuables_title_trgm ON issuables USING gin (lower(title) %I.gin_trgm_ops)', trgm);
    EXECUTE format('CREATE INDEX issuables_description_trgm ON issuables USING gin (lower(description) %I.gin_trgm_ops)', trgm);
END $$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX IF EXISTS issuables_description_trgm;
DROP INDEX IF EXISTS issuables_title_trgm;

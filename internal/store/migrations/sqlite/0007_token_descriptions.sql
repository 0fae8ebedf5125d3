-- +goose Up
-- A personal access token's description, shown when tokens are listed.
ALTER TABLE personal_access_tokens ADD COLUMN description TEXT;

-- +goose Down
ALTER TABLE personal_access_tokens DROP COLUMN description;

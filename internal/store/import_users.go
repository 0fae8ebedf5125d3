package store

import (
	"context"
	"database/sql"
	"fmt"
)

// How an archive user was mapped (ImportUserMapping.MappedBy).
const (
	MappedByPublicEmail = "public_email" // a local user has the member's public email
	MappedByEmail       = "email"        // a local user has the member's email
	MappedByImporter    = "importer"     // none: the importer took its contributions
)

// ImportUserMapping is what a project's last import made of one archive
// user: who it was in the archive (Source*; only its id when no member
// record tells more), the local user it became (UserID, 0 once deleted),
// how, and how many user references of the records named it.
type ImportUserMapping struct {
	ProjectID         int64
	SourceID          int64
	SourceUsername    string
	SourceName        string
	SourceEmail       string
	SourcePublicEmail string
	UserID            int64
	MappedBy          string
	Contributions     int64
}

// SaveImportUserMappings replaces project's import user mappings.
func (q queries) SaveImportUserMappings(ctx context.Context, projectID int64, list []ImportUserMapping) error {
	if _, err := q.exec(ctx, `DELETE FROM import_user_mappings WHERE project_id = ?`, projectID); err != nil {
		return fmt.Errorf("save import user mappings of project %d: %w", projectID, err)
	}
	for _, m := range list {
		if _, err := q.exec(ctx, `INSERT INTO import_user_mappings (project_id, source_id, source_username, source_name,
			source_email, source_public_email, user_id, mapped_by, contributions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			projectID, m.SourceID, nullText(m.SourceUsername), nullText(m.SourceName), nullText(m.SourceEmail),
			nullText(m.SourcePublicEmail), nullID(m.UserID), m.MappedBy, m.Contributions); err != nil {
			return fmt.Errorf("save import user mapping of project %d: %w", projectID, err)
		}
	}
	return nil
}

// ImportUserMappings returns page of project's import user mappings, by
// archive user id, and their total.
func (q queries) ImportUserMappings(ctx context.Context, projectID int64, page Page) ([]ImportUserMapping, int, error) {
	var total int
	if err := q.queryRow(ctx, `SELECT count(*) FROM import_user_mappings WHERE project_id = ?`, projectID).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	rows, err := q.query(ctx, `SELECT project_id, source_id, source_username, source_name, source_email,
		source_public_email, user_id, mapped_by, contributions FROM import_user_mappings WHERE project_id = ?
		ORDER BY source_id LIMIT ? OFFSET ?`, projectID, page.Limit(), page.Offset())
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, func(r *sql.Rows) (ImportUserMapping, error) {
		var (
			m                                  ImportUserMapping
			username, name, email, publicEmail sql.NullString
			user                               sql.NullInt64
		)
		err := r.Scan(&m.ProjectID, &m.SourceID, &username, &name, &email, &publicEmail, &user, &m.MappedBy, &m.Contributions)
		m.SourceUsername, m.SourceName, m.SourceEmail = username.String, name.String, email.String
		m.SourcePublicEmail, m.UserID = publicEmail.String, user.Int64
		return m, err
	})
	return list, total, err
}

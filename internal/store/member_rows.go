package store

import (
	"context"
	"fmt"

	"github.com/ferryhq/ferry"
)

// EachMemberRow calls fn with each direct member of a source (kind and
// id, as Members) and the membership's row id, in row id order, streaming
// from a cursor: a group export writes them as GitLab's find_each does.
func (q queries) EachMemberRow(ctx context.Context, kind string, sourceID int64, fn func(id int64, m ferry.Member) error) error {
	rows, err := q.query(ctx, `SELECT m.id, m.source_kind, m.source_id, m.access_level, m.created_at, m.expires_at, `+
		userColumns+` FROM members m JOIN users u ON u.id = m.user_id
		WHERE m.source_kind = ? AND m.source_id = ? ORDER BY m.id`, kind, sourceID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		m, err := scanMemberWith(rows, &id)
		if err != nil {
			return fmt.Errorf("read members of %s %d: %w", kind, sourceID, err)
		}
		if err := fn(id, m); err != nil {
			return err
		}
	}
	return mapError(rows.Err())
}

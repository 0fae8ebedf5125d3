package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/ferryhq/ferry"
)

// AddMember gives user userID the level on a source (a project or a
// namespace) and returns the membership. Returns a *ferry.ValidationError
// wrapping ferry.ErrConflict if the user is already a direct member.
func (q queries) AddMember(ctx context.Context, m *ferry.Member) error {
	m.CreatedAt = now()
	_, err := q.insert(ctx, `INSERT INTO members (source_kind, source_id, user_id, access_level, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, m.SourceKind, m.SourceID, m.User.ID, int(m.AccessLevel), m.CreatedAt, nullTime(m.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert member: %w", err)
	}
	return nil
}

// Members returns the direct members of a source, ordered by user id.
func (q queries) Members(ctx context.Context, kind string, sourceID int64) ([]ferry.Member, error) {
	rows, err := q.query(ctx, `SELECT m.source_kind, m.source_id, m.access_level, m.created_at, m.expires_at, `+userColumns+`
		FROM members m JOIN users u ON u.id = m.user_id
		WHERE m.source_kind = ? AND m.source_id = ? ORDER BY u.id`, kind, sourceID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanMember)
}

func scanMember(r *sql.Rows) (ferry.Member, error) { return scanMemberWith(r) }

// scanMemberWith scans a member row after the columns of lead (a row id).
func scanMemberWith(r *sql.Rows, lead ...any) (ferry.Member, error) {
	var (
		m       ferry.Member
		level   int
		expires sql.NullTime
	)
	err := r.Scan(append(lead, &m.SourceKind, &m.SourceID, &level, &m.CreatedAt, &expires,
		&m.User.ID, &m.User.Username, &m.User.Name, &m.User.Email, &m.User.IsAdmin, &m.User.State,
		&m.User.NamespaceID, &m.User.CreatedAt)...)
	m.AccessLevel, m.ExpiresAt, m.CreatedAt = ferry.AccessLevel(level), timePtr(expires), m.CreatedAt.UTC()
	return m, err
}

// Source names one membership source.
type Source struct {
	Kind string
	ID   int64
}

// MembershipsOf returns userID's direct memberships in any of sources.
func (q queries) MembershipsOf(ctx context.Context, userID int64, sources []Source) ([]ferry.Member, error) {
	if len(sources) == 0 {
		return nil, nil
	}
	conds := make([]string, len(sources))
	args := []any{userID}
	for i, s := range sources {
		conds[i] = "(m.source_kind = ? AND m.source_id = ?)"
		args = append(args, s.Kind, s.ID)
	}
	rows, err := q.query(ctx, `SELECT m.source_kind, m.source_id, m.access_level, m.created_at, m.expires_at, `+userColumns+`
		FROM members m JOIN users u ON u.id = m.user_id
		WHERE m.user_id = ? AND (`+strings.Join(conds, " OR ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanMember)
}

// WithInherited adds the members of namespace id and its ancestor groups to
// direct, keeping each user's highest level, ordered by user id.
func (q queries) WithInherited(ctx context.Context, direct []ferry.Member, namespaceID int64) ([]ferry.Member, error) {
	chain, err := q.Ancestors(ctx, namespaceID)
	if err != nil {
		return nil, err
	}
	best := map[int64]ferry.Member{}
	for _, m := range direct {
		best[m.User.ID] = m
	}
	for _, n := range chain {
		if !n.IsGroup() {
			continue
		}
		members, err := q.Members(ctx, ferry.MemberOfNamespace, n.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			if cur, ok := best[m.User.ID]; !ok || m.AccessLevel > cur.AccessLevel {
				best[m.User.ID] = m
			}
		}
	}
	out := make([]ferry.Member, 0, len(best))
	for _, m := range best {
		out = append(out, m)
	}
	slices.SortFunc(out, func(x, y ferry.Member) int { return cmp.Compare(x.User.ID, y.User.ID) })
	return out, nil
}

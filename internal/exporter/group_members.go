package exporter

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ferryhq/ferry"
)

// groupMemberRecord is a members line of a group archive: GitLab's group
// exporter has no included_attributes for members, so it writes the
// GroupMember row's columns, and the user as included_attributes say
// (lib/gitlab/import_export/group/import_export.yml).
type groupMemberRecord struct {
	ID                int64      `json:"id"`
	AccessLevel       int        `json:"access_level"`
	SourceID          int64      `json:"source_id"`
	SourceType        string     `json:"source_type"`
	UserID            int64      `json:"user_id"`
	NotificationLevel int        `json:"notification_level"`
	CreatedAt         string     `json:"created_at"`
	UpdatedAt         string     `json:"updated_at"`
	CreatedByID       *int64     `json:"created_by_id"`
	InviteEmail       *string    `json:"invite_email"`
	InviteToken       *string    `json:"invite_token"`
	InviteAcceptedAt  *string    `json:"invite_accepted_at"`
	RequestedAt       *string    `json:"requested_at"`
	ExpiresAt         *string    `json:"expires_at"`
	LDAP              bool       `json:"ldap"`
	Override          bool       `json:"override"`
	User              memberUser `json:"user"`
}

// members emits the group's direct, unexpired members in membership
// order, streamed from the database. Members' emails are private: they
// are written as public_email (which the importing side maps users by)
// only in an administrator's export, as for projects.
func (s groupSources) members(ctx context.Context, emit func([]byte) error) error {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	return s.w.DB.EachMemberRow(ctx, ferry.MemberOfNamespace, s.g.ID, func(id int64, m ferry.Member) error {
		if m.ExpiresAt != nil && m.ExpiresAt.Before(today) {
			return nil
		}
		created := m.CreatedAt.UTC().Format(gitlabTime)
		rec := groupMemberRecord{ID: id, AccessLevel: int(m.AccessLevel), SourceID: s.g.ID, SourceType: "Namespace",
			UserID: m.User.ID, NotificationLevel: 3, CreatedAt: created, UpdatedAt: created,
			User: memberUser{ID: m.User.ID, Username: m.User.Username}}
		if s.withEmails {
			rec.User.PublicEmail = m.User.Email
		}
		if m.ExpiresAt != nil {
			d := m.ExpiresAt.UTC().Format(time.DateOnly)
			rec.ExpiresAt = &d
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		return emit(b)
	})
}

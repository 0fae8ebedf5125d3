package exporter

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/tidwall/sjson"

	"github.com/ferryhq/ferry"
)

// memberRecord is a project_members line as GitLab writes it (its
// included_attributes and the user).
type memberRecord struct {
	AccessLevel       int        `json:"access_level"`
	SourceType        string     `json:"source_type"`
	UserID            int64      `json:"user_id"`
	NotificationLevel int        `json:"notification_level"`
	CreatedAt         string     `json:"created_at"`
	UpdatedAt         string     `json:"updated_at"`
	CreatedByID       *int64     `json:"created_by_id"`
	InviteEmail       *string    `json:"invite_email"`
	InviteAcceptedAt  *string    `json:"invite_accepted_at"`
	RequestedAt       *string    `json:"requested_at"`
	ExpiresAt         *string    `json:"expires_at"`
	LDAP              bool       `json:"ldap"`
	Override          bool       `json:"override"`
	User              memberUser `json:"user"`
}

type memberUser struct {
	ID          int64  `json:"id"`
	PublicEmail string `json:"public_email"`
	Username    string `json:"username"`
}

const gitlabTime = "2006-01-02T15:04:05.000Z"

// more emits the project's members that the stored records did not name
// (seen): its direct members, members of its groups (as GitLab's
// presenter adds them) and the owner of a personal namespace, each once at
// their highest level.
//
// Members' emails are private: they are written as public_email (which the
// importing side maps users by) only in an administrator's export.
func (m *memberLines) more(ctx context.Context, emit func([]byte) error) error {
	w, p := m.w, m.p
	best := map[int64]ferry.Member{}
	add := func(ms []ferry.Member) {
		for _, member := range ms {
			if cur, ok := best[member.User.ID]; !ok || member.AccessLevel > cur.AccessLevel {
				best[member.User.ID] = member
			}
		}
	}
	direct, err := w.DB.Members(ctx, ferry.MemberOfProject, p.ID)
	if err != nil {
		return err
	}
	add(direct)
	chain, err := w.DB.Ancestors(ctx, p.NamespaceID)
	if err != nil {
		return err
	}
	for _, n := range chain {
		if n.IsGroup() {
			ms, err := w.DB.Members(ctx, ferry.MemberOfNamespace, n.ID)
			if err != nil {
				return err
			}
			add(ms)
		} else if owner, err := w.DB.UserByID(ctx, n.OwnerID); err == nil {
			add([]ferry.Member{{User: owner, AccessLevel: ferry.Owner, CreatedAt: p.CreatedAt}})
		}
	}
	ids := make([]int64, 0, len(best))
	for id := range best {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		member := best[id]
		if m.seen[member.User.Username] {
			continue
		}
		rec := record(member)
		if !m.withEmails {
			rec.User.PublicEmail = ""
		}
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := emit(b); err != nil {
			return err
		}
	}
	return nil
}

func record(m ferry.Member) memberRecord {
	created := m.CreatedAt.UTC().Format(gitlabTime)
	r := memberRecord{AccessLevel: int(m.AccessLevel), SourceType: "Project",
		UserID: m.User.ID, NotificationLevel: 3, CreatedAt: created, UpdatedAt: created,
		User: memberUser{ID: m.User.ID, PublicEmail: m.User.Email, Username: m.User.Username}}
	if m.ExpiresAt != nil {
		d := m.ExpiresAt.UTC().Format(time.DateOnly)
		r.ExpiresAt = &d
	}
	return r
}

// memberLines are project_members' records: the stored ones (an imported
// project's members as its archive had them), then Ferry's own members
// that those do not already name.
type memberLines struct {
	w          *Worker
	p          ferry.Project
	withEmails bool
	seen       map[string]bool
}

// prepare notes a stored member's username. In an administrator's export
// it also gives a user that has an email (archives of GitLab before public
// emails) but no public email that email as public_email, which the
// importing side maps users by; the filter leaves the private email itself
// out of every export, as GitLab writes only public_email.
func (m *memberLines) prepare(data []byte) []byte {
	var rec struct {
		User struct {
			Username    string `json:"username"`
			PublicEmail string `json:"public_email"`
			Email       string `json:"email"`
		} `json:"user"`
	}
	_ = json.Unmarshal(data, &rec)
	m.seen[rec.User.Username] = true
	if m.withEmails && rec.User.PublicEmail == "" && rec.User.Email != "" {
		if out, err := sjson.SetBytes(data, "user.public_email", rec.User.Email); err == nil {
			return out
		}
	}
	return data
}

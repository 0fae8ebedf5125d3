package importer

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/ferryhq/ferry"
)

// members is GitLab's MembersMapper for a group: only an administrator's
// import maps the archive's members, each to the local user whose e-mail
// is the member's public_email (or email), at its access level but never
// above Owner; a user already a member is left as they are. Everyone
// else (and every user reference of a non-administrator's import) becomes
// the importer, who is already the group's Owner. It returns the map of
// archive user ids to local users.
func (g *groupRestore) members(ctx context.Context, ns ferry.Namespace, src groupSource) (map[int64]int64, error) {
	users := map[int64]int64{}
	if !g.user.IsAdmin {
		return users, nil
	}
	err := g.readRecords(src, "members", func(line int, raw []byte) error {
		var m struct {
			AccessLevel ferry.AccessLevel `json:"access_level"`
			User        struct {
				ID          int64  `json:"id"`
				PublicEmail string `json:"public_email"`
				Email       string `json:"email"`
			} `json:"user"`
		}
		if json.Unmarshal(raw, &m) != nil {
			return nil
		}
		email := m.User.PublicEmail
		if email == "" {
			email = m.User.Email
		}
		if email == "" {
			return nil
		}
		local, err := g.w.DB.UserByEmail(ctx, email)
		if errors.Is(err, ferry.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		level := min(m.AccessLevel, ferry.Owner)
		if !level.Valid() {
			g.failure(ferry.GroupImportFailure{RelationName: "members", LineNumber: line, Source: "members_mapper",
				ExceptionClass: "ActiveRecord::RecordInvalid", ExceptionMessage: "Validation failed: Access level is not included in the list"})
			return nil
		}
		err = g.w.DB.AddMember(ctx, &ferry.Member{SourceKind: ferry.MemberOfNamespace, SourceID: ns.ID, User: local, AccessLevel: level})
		if err != nil && !errors.Is(err, ferry.ErrConflict) { // a conflict: already a member
			return err
		}
		g.im.Stats["members"]++
		users[m.User.ID] = local.ID
		return nil
	})
	return users, err
}

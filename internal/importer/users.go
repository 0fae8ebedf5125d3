package importer

import (
	"context"
	"encoding/json"
	"errors"
	"io"

	"github.com/ferryhq/ferry"
)

// loadUsers reads project_members first (as GitLab's members mapper does)
// and maps each archive user id to the local user with the member's
// public email, when the importer is an administrator. Every other user
// reference becomes the importer; the stored record keeps the original
// author's name (notes carry {"author":{"name":...}}).
func (r *restore) loadUsers(ctx context.Context) error {
	r.users = map[int64]int64{}
	if !r.user.IsAdmin {
		return nil
	}
	rd, err := r.openRelation("project_members")
	if err != nil {
		return permanent(err)
	}
	defer rd.Close()
	for {
		_, raw, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return permanent(err)
		}
		var m struct {
			User struct {
				ID          int64  `json:"id"`
				PublicEmail string `json:"public_email"`
				Email       string `json:"email"`
			} `json:"user"`
		}
		if json.Unmarshal(dropNULs(raw), &m) != nil || m.User.ID == 0 {
			continue
		}
		email := m.User.PublicEmail
		if email == "" {
			email = m.User.Email
		}
		if local, err := r.w.DB.UserByEmail(ctx, email); err == nil && email != "" {
			r.users[m.User.ID] = local.ID
		} else if err != nil && !errors.Is(err, ferry.ErrNotFound) {
			return err
		}
	}
}

// mapUser turns an archive user id into a local one: the mapped user, or
// the importer. (null stays null: see cleaner.)
func (r *restore) mapUser(id int64) int64 {
	if local, ok := r.users[id]; ok {
		return local
	}
	return r.user.ID
}

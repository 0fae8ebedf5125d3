package importer

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// loadUsers reads project_members first (as GitLab's members mapper does)
// and maps each archive user id to the local user with the member's
// public email (or email), when the importer is an administrator. Every
// other user reference becomes the importer; the stored record keeps the
// original author's name (notes carry {"author":{"name":...}}). What each
// archive user became is kept for the import's user mapping view.
func (r *restore) loadUsers(ctx context.Context) error {
	r.users, r.sources = map[int64]int64{}, map[int64]*store.ImportUserMapping{}
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
				Username    string `json:"username"`
				Name        string `json:"name"`
			} `json:"user"`
		}
		if json.Unmarshal(dropNULs(raw), &m) != nil || m.User.ID == 0 || r.sources[m.User.ID] != nil {
			continue
		}
		src := &store.ImportUserMapping{SourceID: m.User.ID, SourceUsername: m.User.Username, SourceName: m.User.Name,
			SourceEmail: m.User.Email, SourcePublicEmail: m.User.PublicEmail, UserID: r.user.ID, MappedBy: store.MappedByImporter}
		r.sources[m.User.ID] = src
		if !r.user.IsAdmin {
			continue
		}
		for _, by := range []struct{ email, how string }{{m.User.PublicEmail, store.MappedByPublicEmail}, {m.User.Email, store.MappedByEmail}} {
			if by.email == "" {
				continue
			}
			local, err := r.w.DB.UserByEmail(ctx, by.email)
			if errors.Is(err, ferry.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			r.users[m.User.ID], src.UserID, src.MappedBy = local.ID, local.ID, by.how
			break
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

// mapContribution is mapUser for the cleaner, which meets each user
// reference of a record once: it counts the archive user's contributions.
func (r *restore) mapContribution(id int64) int64 {
	src := r.sources[id]
	if src == nil {
		src = &store.ImportUserMapping{SourceID: id, UserID: r.user.ID, MappedBy: store.MappedByImporter}
		r.sources[id] = src
	}
	src.Contributions++
	return r.mapUser(id)
}

// saveUserMappings keeps what each archive user became, by archive id.
func (r *restore) saveUserMappings(ctx context.Context) error {
	list := make([]store.ImportUserMapping, 0, len(r.sources))
	for _, src := range r.sources {
		list = append(list, *src)
	}
	slices.SortFunc(list, func(a, b store.ImportUserMapping) int { return cmp.Compare(a.SourceID, b.SourceID) })
	return r.w.DB.Tx(ctx, func(tx *store.Tx) error { return tx.SaveImportUserMappings(ctx, r.project.ID, list) })
}

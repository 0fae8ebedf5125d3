package importer

import (
	"context"
	"errors"

	"github.com/ferryhq/ferry"
)

// mapMember gives a local user the archive member's access when the
// importer is an administrator (as GitLab, which maps members only then):
// the user whose email is the member's public email (or email). Other
// members stay in the stored record only.
func (r *restore) mapMember(ctx context.Context, rec *record) error {
	if !r.user.IsAdmin {
		return nil
	}
	email := memberEmail(rec)
	if email == "" {
		return nil
	}
	local, err := r.w.DB.UserByEmail(ctx, email)
	if errors.Is(err, ferry.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var level ferry.AccessLevel
	if i, ok := rec.field("access_level"); ok {
		level = ferry.AccessLevel(rec.intAt(i))
	}
	if !level.Valid() {
		return &RecordError{Class: "ActiveRecord::RecordInvalid", Message: "Validation failed: Access level is not included in the list"}
	}
	err = r.w.DB.AddMember(ctx, &ferry.Member{SourceKind: ferry.MemberOfProject, SourceID: r.project.ID,
		User: local, AccessLevel: level})
	if errors.Is(err, ferry.ErrConflict) {
		return nil
	}
	return err
}

// memberEmail is the e-mail a project_members record gives its user:
// the public email, else the email ("" for none).
func memberEmail(rec *record) string {
	email := ""
	if u, ok := rec.field("user"); ok {
		for _, key := range []string{"public_email", "email"} {
			if i, ok := rec.objectField(u, key); ok && email == "" {
				email, _ = rec.stringAt(i)
			}
		}
	}
	return email
}

// ensureImporterMember makes the importing user a Maintainer of a project
// in a group (the owner of a personal namespace already owns it), unless a
// mapped membership already gives them as much.
func (r *restore) ensureImporterMember(ctx context.Context) error {
	if !r.project.Namespace.IsGroup() {
		return nil
	}
	err := r.w.DB.AddMember(ctx, &ferry.Member{SourceKind: ferry.MemberOfProject, SourceID: r.project.ID,
		User: r.user, AccessLevel: ferry.Maintainer})
	if errors.Is(err, ferry.ErrConflict) {
		return nil
	}
	return err
}

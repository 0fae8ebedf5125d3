package content

import (
	"context"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

type refAccessRecord struct {
	AccessLevel int64 `json:"access_level"`
}

type protectedRecord struct {
	Name                 string            `json:"name"`
	AllowForcePush       bool              `json:"allow_force_push"`
	CodeOwnerApproval    bool              `json:"code_owner_approval_required"`
	PushAccessLevels     []refAccessRecord `json:"push_access_levels"`
	MergeAccessLevels    []refAccessRecord `json:"merge_access_levels"`
	UnprotectAccessLevel []refAccessRecord `json:"unprotect_access_levels"`
	CreateAccessLevels   []refAccessRecord `json:"create_access_levels"`
}

// RefAccess is GitLab's ProtectedRefAccess entity; its id is the
// protected ref's row id times LinkIDBase plus its place (from 1) among
// the ref's access levels of its kind.
type RefAccess struct {
	ID                     int64  `json:"id"`
	AccessLevel            int64  `json:"access_level"`
	AccessLevelDescription string `json:"access_level_description"`
}

// ProtectedBranch is GitLab's ProtectedBranch entity (with its EE
// code_owner_approval_required); its id is the stored record's row id.
type ProtectedBranch struct {
	ID                        int64       `json:"id"`
	Name                      string      `json:"name"`
	PushAccessLevels          []RefAccess `json:"push_access_levels"`
	MergeAccessLevels         []RefAccess `json:"merge_access_levels"`
	AllowForcePush            bool        `json:"allow_force_push"`
	CodeOwnerApprovalRequired bool        `json:"code_owner_approval_required"`
}

// ProtectedTag is GitLab's ProtectedTag entity.
type ProtectedTag struct {
	Name               string      `json:"name"`
	CreateAccessLevels []RefAccess `json:"create_access_levels"`
}

// accessDescription is ProtectedRefAccess#humanize of a level.
func accessDescription(level int64) string {
	switch level {
	case 0:
		return "No one"
	case 30:
		return "Developers + Maintainers"
	case 40:
		return "Maintainers"
	case 60:
		return "Admins"
	}
	return ferry.AccessLevel(level).String()
}

func refAccesses(id int64, levels []refAccessRecord) []RefAccess {
	out := make([]RefAccess, 0, len(levels))
	for i, l := range levels {
		out = append(out, RefAccess{ID: id*LinkIDBase + int64(i) + 1, AccessLevel: l.AccessLevel,
			AccessLevelDescription: accessDescription(l.AccessLevel)})
	}
	return out
}

func protectedBranch(id int64, rec *protectedRecord) (ProtectedBranch, error) {
	return ProtectedBranch{ID: id, Name: rec.Name, PushAccessLevels: refAccesses(id, rec.PushAccessLevels),
		MergeAccessLevels: refAccesses(id, rec.MergeAccessLevels), AllowForcePush: rec.AllowForcePush,
		CodeOwnerApprovalRequired: rec.CodeOwnerApproval}, nil
}

func protectedTag(id int64, rec *protectedRecord) (ProtectedTag, error) {
	return ProtectedTag{Name: rec.Name, CreateAccessLevels: refAccesses(id, rec.CreateAccessLevels)}, nil
}

// ProtectedBranches returns the page of project p's protected branches
// whose name holds search (any letter case; "" for all) and their total,
// in the archive's order.
func (r *Reader) ProtectedBranches(ctx context.Context, p ferry.Project, search string, pg store.Page) ([]ProtectedBranch, int, error) {
	search = strings.ToLower(search)
	keep := func(b *protectedRecord) bool { return strings.Contains(strings.ToLower(b.Name), search) }
	return streamPage(ctx, r, p, "protected_branches", pg, keep, protectedBranch)
}

// ProtectedBranch returns project p's protected branch name. Returns
// ferry.ErrNotFound if there is none.
func (r *Reader) ProtectedBranch(ctx context.Context, p ferry.Project, name string) (ProtectedBranch, error) {
	return findRecord(ctx, r, p, "protected_branches", byName(name), protectedBranch)
}

// ProtectedTags returns the page of project p's protected tags and their
// total, in the archive's order.
func (r *Reader) ProtectedTags(ctx context.Context, p ferry.Project, pg store.Page) ([]ProtectedTag, int, error) {
	return streamPage(ctx, r, p, "protected_tags", pg, nil, protectedTag)
}

// ProtectedTag returns project p's protected tag name. Returns
// ferry.ErrNotFound if there is none.
func (r *Reader) ProtectedTag(ctx context.Context, p ferry.Project, name string) (ProtectedTag, error) {
	return findRecord(ctx, r, p, "protected_tags", byName(name), protectedTag)
}

func byName(name string) func(int64, *protectedRecord) bool {
	return func(_ int64, rec *protectedRecord) bool { return rec.Name == name }
}

package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// Access computes callers' access levels as GitLab does: the highest of a
// direct membership and the memberships of every ancestor group; the owner
// of a personal namespace is Owner of its projects; administrators are
// Owner everywhere.
type Access struct{ DB *store.DB }

// ProjectLevel returns u's access level on p (ferry.NoAccess for nil u).
func (a *Access) ProjectLevel(ctx context.Context, u *ferry.User, p ferry.Project) (ferry.AccessLevel, error) {
	switch {
	case u == nil:
		return ferry.NoAccess, nil
	case u.IsAdmin, p.Namespace.OwnerID == u.ID:
		return ferry.Owner, nil
	}
	sources := []store.Source{{Kind: ferry.MemberOfProject, ID: p.ID}}
	return a.highest(ctx, u, p.NamespaceID, sources)
}

// GroupLevel returns u's access level on group g (ferry.NoAccess for nil u).
func (a *Access) GroupLevel(ctx context.Context, u *ferry.User, g ferry.Namespace) (ferry.AccessLevel, error) {
	switch {
	case u == nil:
		return ferry.NoAccess, nil
	case u.IsAdmin, g.OwnerID == u.ID:
		return ferry.Owner, nil
	}
	return a.highest(ctx, u, g.ID, nil)
}

// AdminsNamespace reports whether u may administer namespace ns (GitLab's
// admin_namespace ability): Owner of a group (directly or through an
// ancestor), the owner of a personal namespace, or an administrator. It
// decides, among other things, who may replace a project by an import.
func (a *Access) AdminsNamespace(ctx context.Context, u *ferry.User, ns ferry.Namespace) (bool, error) {
	if u == nil {
		return false, nil
	}
	if !ns.IsGroup() {
		return u.IsAdmin || ns.OwnerID == u.ID, nil
	}
	level, err := a.GroupLevel(ctx, u, ns)
	return level >= ferry.Owner, err
}

// MembershipLevel returns u's level on namespace id from group memberships
// alone (its own and its ancestors'), ignoring administrator rights.
func (a *Access) MembershipLevel(ctx context.Context, u *ferry.User, namespaceID int64) (ferry.AccessLevel, error) {
	return a.highest(ctx, u, namespaceID, nil)
}

func (a *Access) highest(ctx context.Context, u *ferry.User, namespaceID int64, sources []store.Source) (ferry.AccessLevel, error) {
	chain, err := a.DB.Ancestors(ctx, namespaceID)
	if err != nil {
		return ferry.NoAccess, fmt.Errorf("namespace ancestors: %w", err)
	}
	for _, n := range chain {
		if n.IsGroup() {
			sources = append(sources, store.Source{Kind: ferry.MemberOfNamespace, ID: n.ID})
		}
	}
	members, err := a.DB.MembershipsOf(ctx, u.ID, sources)
	if err != nil {
		return ferry.NoAccess, fmt.Errorf("memberships: %w", err)
	}
	level, now := ferry.NoAccess, time.Now()
	for _, m := range members {
		if m.ExpiresAt != nil && !now.Before(m.ExpiresAt.AddDate(0, 0, 1)) {
			continue
		}
		level = max(level, m.AccessLevel)
	}
	return level, nil
}

// CanRead reports whether a caller with level may see something of
// visibility: public things to everyone, internal ones to any signed-in
// user, private ones to members.
func CanRead(u *ferry.User, level ferry.AccessLevel, visibility string) bool {
	switch {
	case visibility == ferry.Public, level >= ferry.Guest:
		return true
	case visibility == ferry.Internal:
		return u != nil
	}
	return false
}

// DirectLevel returns u's direct membership level on one source (no
// inheritance), or ferry.NoAccess.
func (a *Access) DirectLevel(ctx context.Context, u *ferry.User, kind string, id int64) (ferry.AccessLevel, error) {
	members, err := a.DB.MembershipsOf(ctx, u.ID, []store.Source{{Kind: kind, ID: id}})
	if err != nil || len(members) == 0 {
		return ferry.NoAccess, err
	}
	return members[0].AccessLevel, nil
}

// CanReadCode reports whether a caller with level may read a project's
// repository (GitLab's download_code): anyone who sees a public or
// internal project, Reporter and above on a private one.
func CanReadCode(u *ferry.User, level ferry.AccessLevel, visibility string) bool {
	return CanRead(u, level, visibility) && ReadsCode(level, visibility)
}

// ReadableProject returns u's level on p when u may see p (CanRead), or
// ferry.ErrNotFound: a project one may not see is answered as missing,
// by the API and the pages alike.
func (a *Access) ReadableProject(ctx context.Context, u *ferry.User, p ferry.Project) (ferry.AccessLevel, error) {
	level, err := a.ProjectLevel(ctx, u, p)
	if err != nil {
		return ferry.NoAccess, err
	}
	if !CanRead(u, level, p.Visibility) {
		return ferry.NoAccess, ferry.ErrNotFound
	}
	return level, nil
}

// ReadableAncestors returns g's ancestors, nearest first, that u may
// read (GitLab's ancestors a group's labels and milestones come from).
func (a *Access) ReadableAncestors(ctx context.Context, u *ferry.User, g ferry.Namespace) ([]ferry.Namespace, error) {
	chain, err := a.DB.Ancestors(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	var out []ferry.Namespace
	for _, n := range chain[1:] {
		if _, err := a.ReadableGroup(ctx, u, n); err == nil {
			out = append(out, n)
		} else if !errors.Is(err, ferry.ErrNotFound) {
			return nil, err
		}
	}
	return out, nil
}

// ReadableGroup is ReadableProject for group g.
func (a *Access) ReadableGroup(ctx context.Context, u *ferry.User, g ferry.Namespace) (ferry.AccessLevel, error) {
	level, err := a.GroupLevel(ctx, u, g)
	if err != nil {
		return ferry.NoAccess, err
	}
	if !CanRead(u, level, g.Visibility) {
		return ferry.NoAccess, ferry.ErrNotFound
	}
	return level, nil
}

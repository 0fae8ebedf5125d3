package ferry

import (
	"strconv"
	"time"
)

// Namespace kinds.
const (
	KindUser  = "user"
	KindGroup = "group"
)

// Visibility levels of groups and projects.
const (
	Private  = "private"
	Internal = "internal"
	Public   = "public"
)

// ValidVisibility reports whether v is one of GitLab's visibility levels.
func ValidVisibility(v string) bool { return v == Private || v == Internal || v == Public }

// Namespace is where projects live: a user's personal namespace or a group.
// Groups nest through ParentID.
type Namespace struct {
	ID          int64
	Kind        string // KindUser or KindGroup
	Name        string
	Path        string
	FullPath    string // parent's full path + "/" + Path
	FullName    string // parent's full name + " / " + Name
	ParentID    int64  // 0 for a top-level namespace
	OwnerID     int64  // the user of a personal namespace, 0 for groups
	Description string
	Visibility  string
	CreatedAt   time.Time
	// MarkedForDeletionAt is when a group was marked for deletion (nil:
	// not marked); DeletingUserID who marked it.
	MarkedForDeletionAt *time.Time
	DeletingUserID      int64
}

// IsGroup reports whether n is a group.
func (n Namespace) IsGroup() bool { return n.Kind == KindGroup }

// DeletionScheduledIdentifier is what a group marked for deletion has
// appended to its name and path, with its id, so that both are free again
// at once (GitLab 18's Groups::MarkForDeletionService,
// app/services/groups/mark_for_deletion_service.rb).
func DeletionScheduledIdentifier(s string, id int64) string {
	return s + "-deletion_scheduled-" + strconv.FormatInt(id, 10)
}

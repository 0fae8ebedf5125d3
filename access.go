package ferry

import (
	"fmt"
	"strconv"
)

// AccessLevel is a member's role on a group or project, with GitLab's
// numeric values.
type AccessLevel int

// GitLab's access levels.
const (
	NoAccess   AccessLevel = 0
	Guest      AccessLevel = 10
	Reporter   AccessLevel = 20
	Developer  AccessLevel = 30
	Maintainer AccessLevel = 40
	Owner      AccessLevel = 50
)

var accessNames = map[AccessLevel]string{
	NoAccess: "no access", Guest: "guest", Reporter: "reporter",
	Developer: "developer", Maintainer: "maintainer", Owner: "owner",
}

// Valid reports whether a is one of the levels a member can be given.
func (a AccessLevel) Valid() bool {
	_, ok := accessNames[a]
	return ok && a != NoAccess
}

// String returns the role's lowercase name, or the number for an unknown level.
func (a AccessLevel) String() string {
	if s, ok := accessNames[a]; ok {
		return s
	}
	return strconv.Itoa(int(a))
}

// ParseAccessLevel reads a level given as a number ("30"). Returns an error
// wrapping ErrInvalid for anything that is not a member level.
func ParseAccessLevel(s string) (AccessLevel, error) {
	n, err := strconv.Atoi(s)
	if err != nil || !AccessLevel(n).Valid() {
		return 0, fmt.Errorf("access level %q: %w", s, ErrInvalid)
	}
	return AccessLevel(n), nil
}

package ferry

import "time"

// User is a person (or bot) who signs in with a personal access token.
type User struct {
	ID          int64
	Username    string
	Name        string
	Email       string
	IsAdmin     bool
	State       string // "active"
	NamespaceID int64  // the user's personal namespace
	CreatedAt   time.Time
}

// PersonalAccessToken is a user's API token. Only its digest is stored; the
// plain value exists once, when it is created.
type PersonalAccessToken struct {
	ID     int64
	UserID int64
	Name   string
	// Description is optional ("" for none).
	Description string
	Scopes      []string
	ExpiresAt   *time.Time // a date at midnight UTC, or nil for never
	Revoked     bool
	CreatedAt   time.Time
	LastUsedAt  *time.Time
}

// Active reports whether t can authenticate at now.
func (t PersonalAccessToken) Active(now time.Time) bool {
	return !t.Revoked && (t.ExpiresAt == nil || now.Before(t.ExpiresAt.AddDate(0, 0, 1)))
}

// TokenScopes are the scopes a personal access token may hold.
var TokenScopes = []string{"api", "read_api", "read_user", "read_repository", "write_repository", "sudo", "admin_mode"}

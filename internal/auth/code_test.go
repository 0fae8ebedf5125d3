package auth_test

import (
	"testing"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
)

// TestCodeRules pins who may download code and LFS objects, push, and
// administer uploads.
func TestCodeRules(t *testing.T) {
	t.Parallel()
	user := &ferry.User{ID: 7}
	tests := []struct {
		name                        string
		u                           *ferry.User
		level                       ferry.AccessLevel
		visibility                  string
		download, push, adminUpload bool
	}{
		{"PublicAnonymous", nil, ferry.NoAccess, ferry.Public, true, false, false},
		{"InternalAnonymous", nil, ferry.NoAccess, ferry.Internal, false, false, false},
		{"InternalSignedIn", user, ferry.NoAccess, ferry.Internal, true, false, false},
		{"PrivateOutsider", user, ferry.NoAccess, ferry.Private, false, false, false},
		{"PrivateGuest", user, ferry.Guest, ferry.Private, false, false, false},
		{"PrivateReporter", user, ferry.Reporter, ferry.Private, true, false, false},
		{"PrivateDeveloper", user, ferry.Developer, ferry.Private, true, true, false},
		{"PrivateMaintainer", user, ferry.Maintainer, ferry.Private, true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := auth.CanReadCode(tt.u, tt.level, tt.visibility); got != tt.download {
				t.Errorf("CanReadCode = %v, want %v", got, tt.download)
			}
			if got := auth.CanPushCode(tt.u, tt.level); got != tt.push {
				t.Errorf("CanPushCode = %v, want %v", got, tt.push)
			}
			if got := auth.CanAdminUploads(tt.level); got != tt.adminUpload {
				t.Errorf("CanAdminUploads = %v, want %v", got, tt.adminUpload)
			}
		})
	}
}

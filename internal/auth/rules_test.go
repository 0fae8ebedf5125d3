package auth

import (
	"testing"

	"github.com/ferryhq/ferry"
)

func TestRules_ProjectRecords(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		level               ferry.AccessLevel
		visibility          string
		code, builds, admin bool
	}{
		{0, ferry.Public, true, true, false},
		{0, ferry.Internal, true, true, false},
		{ferry.Guest, ferry.Private, false, false, false},
		{ferry.Reporter, ferry.Private, true, true, false},
		{ferry.Developer, ferry.Private, true, true, false},
		{ferry.Maintainer, ferry.Private, true, true, true},
		{ferry.Owner, ferry.Public, true, true, true},
	} {
		if got := ReadsCode(tt.level, tt.visibility); got != tt.code {
			t.Errorf("ReadsCode(%d, %s) = %v", tt.level, tt.visibility, got)
		}
		if got := CanReadBuilds(tt.level, tt.visibility); got != tt.builds {
			t.Errorf("CanReadBuilds(%d, %s) = %v", tt.level, tt.visibility, got)
		}
		if got := CanAdminProject(tt.level); got != tt.admin {
			t.Errorf("CanAdminProject(%d) = %v", tt.level, got)
		}
	}
}

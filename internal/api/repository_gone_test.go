package api

import (
	"errors"
	"path/filepath"
	"testing"
)

// goneDuring tells a git failure on a repository removed meanwhile
// (answered as an empty one) from any other failure.
func TestGoneDuring(t *testing.T) {
	t.Parallel()
	present := t.TempDir()
	gone := filepath.Join(present, "removed.git")
	failed := errors.New("git: exit status 128")
	for _, tc := range []struct {
		name string
		err  error
		dir  string
		want bool
	}{
		{"a failure once the repository is removed", failed, gone, true},
		{"a failure of a repository still there", failed, present, false},
		{"no failure", nil, gone, false},
	} {
		if got := goneDuring(tc.err, tc.dir); got != tc.want {
			t.Errorf("%s: goneDuring = %v, want %v", tc.name, got, tc.want)
		}
	}
}

package git

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// newRepo initializes a bare repository in a fresh temporary directory.
func newRepo(t *testing.T, branch string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "a", "b", "1.git")
	if err := Init(t.Context(), dir, branch); err != nil {
		t.Fatalf("Init: %v", err)
	}
	return dir
}

// gitOut runs git in the bare repository dir and returns its trimmed output.
func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := inRepo(t.Context(), dir, nil, nil, args...)
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return strings.TrimSpace(out)
}

func TestInit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		branch  string
		again   bool
		wantErr error
	}{
		{name: "main", branch: "main"},
		{name: "nested branch", branch: "release/v1"},
		{name: "invalid branch", branch: "bad..name", wantErr: ErrInvalidRef},
		{name: "shorthand branch", branch: "@{-1}", wantErr: ErrInvalidRef},
		{name: "existing repository", branch: "main", again: true, wantErr: ErrExists},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "parent", "42.git")
			err := Init(t.Context(), dir, tt.branch)
			if tt.again {
				if err != nil {
					t.Fatalf("first Init: %v", err)
				}
				err = Init(t.Context(), dir, tt.branch)
			}
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Init(%q) = %v, want %v", tt.branch, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got := gitOut(t, dir, "rev-parse", "--is-bare-repository"); got != "true" {
				t.Errorf("is-bare-repository = %q, want true", got)
			}
			if got := gitOut(t, dir, "symbolic-ref", "HEAD"); got != "refs/heads/"+tt.branch {
				t.Errorf("HEAD = %q, want refs/heads/%s", got, tt.branch)
			}
		})
	}
}

func TestCommitFile(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := newRepo(t, "main")
	sig := Signature{Name: "Ada", Email: "ada@example.com", When: time.Unix(1700000000, 0).UTC()}

	if has, err := HasCommits(ctx, dir); err != nil || has {
		t.Fatalf("HasCommits before = %v, %v; want false, nil", has, err)
	}

	steps := []struct {
		name, content string
		wantCount     string
		wantFiles     []string
	}{
		{name: "README.md", content: "# hello\n", wantCount: "1", wantFiles: []string{"README.md"}},
		{name: "LICENSE", content: "MIT\n", wantCount: "2", wantFiles: []string{"LICENSE", "README.md"}},
		{name: "README.md", content: "# hello again\n", wantCount: "3", wantFiles: []string{"LICENSE", "README.md"}},
	}
	var prev string
	for _, s := range steps {
		sha, err := CommitFile(ctx, dir, "main", s.name, []byte(s.content), sig, "add "+s.name)
		if err != nil {
			t.Fatalf("CommitFile(%s): %v", s.name, err)
		}
		if got := gitOut(t, dir, "rev-parse", "refs/heads/main"); got != sha {
			t.Errorf("main = %s, want %s", got, sha)
		}
		if got := gitOut(t, dir, "rev-list", "--count", sha); got != s.wantCount {
			t.Errorf("rev-list --count = %s, want %s", got, s.wantCount)
		}
		if prev != "" {
			if got := gitOut(t, dir, "rev-parse", sha+"^"); got != prev {
				t.Errorf("parent = %s, want %s", got, prev)
			}
		}
		if got := gitOut(t, dir, "show", sha+":"+s.name); got != strings.TrimSpace(s.content) {
			t.Errorf("content of %s = %q, want %q", s.name, got, s.content)
		}
		files := strings.Fields(gitOut(t, dir, "ls-tree", "--name-only", sha))
		if !slices.Equal(files, s.wantFiles) {
			t.Errorf("files = %v, want %v", files, s.wantFiles)
		}
		prev = sha
	}

	if got := gitOut(t, dir, "log", "-1", "--format=%an <%ae> %at %s", "main"); got != "Ada <ada@example.com> 1700000000 add README.md" {
		t.Errorf("log = %q", got)
	}
	if has, err := HasCommits(ctx, dir); err != nil || !has {
		t.Fatalf("HasCommits after = %v, %v; want true, nil", has, err)
	}
	if _, err := CommitFile(ctx, dir, "feature", "x.txt", []byte("x"), sig, "x"); err != nil {
		t.Fatalf("CommitFile(feature): %v", err)
	}
	if got, err := Branches(ctx, dir); err != nil || !slices.Equal(got, []string{"feature", "main"}) {
		t.Errorf("Branches = %v, %v; want [feature main]", got, err)
	}
}

func TestCommitFileErrors(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, "main")
	sig := Signature{Name: "Ada", Email: "ada@example.com"}
	tests := []struct {
		name, branch, file string
		wantErr            error
	}{
		{name: "invalid branch", branch: "a b", file: "f", wantErr: ErrInvalidRef},
		{name: "slash in name", branch: "main", file: "dir/f", wantErr: ErrInvalidName},
		{name: "dot git", branch: "main", file: ".GIT", wantErr: ErrInvalidName},
		{name: "empty name", branch: "main", file: "", wantErr: ErrInvalidName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := CommitFile(t.Context(), dir, tt.branch, tt.file, []byte("x"), sig, "m")
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("CommitFile = %v, want %v", err, tt.wantErr)
			}
		})
	}
	if _, err := CommitFile(t.Context(), filepath.Join(t.TempDir(), "missing.git"), "main", "f", nil, sig, "m"); err == nil {
		t.Error("CommitFile on a missing repository succeeded")
	}
}

func TestSetDefaultBranch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, branch string
		wantErr      error
	}{
		{name: "valid", branch: "develop"},
		{name: "valid nested", branch: "team/dev"},
		{name: "double dot", branch: "a..b", wantErr: ErrInvalidRef},
		{name: "space", branch: "a b", wantErr: ErrInvalidRef},
		{name: "HEAD", branch: "HEAD", wantErr: ErrInvalidRef},
		{name: "leading dash", branch: "-x", wantErr: ErrInvalidRef},
		{name: "empty", branch: "", wantErr: ErrInvalidRef},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := newRepo(t, "main")
			err := SetDefaultBranch(t.Context(), dir, tt.branch)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("SetDefaultBranch(%q) = %v, want %v", tt.branch, err, tt.wantErr)
			}
			want := "refs/heads/main"
			if tt.wantErr == nil {
				want = "refs/heads/" + tt.branch
			}
			if got := gitOut(t, dir, "symbolic-ref", "HEAD"); got != want {
				t.Errorf("HEAD = %q, want %q", got, want)
			}
		})
	}
}

func TestHasCommitsMissingRepo(t *testing.T) {
	t.Parallel()
	if _, err := HasCommits(context.Background(), filepath.Join(t.TempDir(), "nope.git")); err == nil {
		t.Error("HasCommits on a missing repository succeeded")
	}
}

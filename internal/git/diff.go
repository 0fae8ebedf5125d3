package git

import (
	"context"
	"fmt"
	"strings"
)

// MaxDiffFiles is the most files Diffs returns; Diffs reports when a
// comparison has more.
const MaxDiffFiles = 1000

// Diff is the change of one file between two commits.
type Diff struct {
	OldPath, NewPath string
	AMode, BMode     string
	New, Renamed     bool
	Deleted          bool
	// Patch is the unified diff from its first hunk on ("" for binary
	// files or mode changes).
	Patch string
}

// Diffs returns the changes from commit a to commit b (renames found) and
// whether there were more than MaxDiffFiles.
func Diffs(ctx context.Context, dir, a, b string) ([]Diff, bool, error) {
	out, err := inRepo(ctx, dir, nil, nil, "diff", "--raw", "-z", "-M", "--no-abbrev", a, b)
	if err != nil {
		return nil, false, fmt.Errorf("git diff in %s: %w", dir, err)
	}
	f := strings.Split(strings.TrimSuffix(out, "\x00"), "\x00")
	var diffs []Diff
	for i := 0; i+1 < len(f); i += 2 {
		meta := strings.Fields(strings.TrimPrefix(f[i], ":"))
		if len(meta) != 5 {
			break
		}
		d := Diff{AMode: meta[0], BMode: meta[1], OldPath: f[i+1], NewPath: f[i+1]}
		switch status := meta[4]; status[0] {
		case 'R', 'C':
			d.NewPath, d.Renamed = f[i+2], status[0] == 'R'
			i++
		case 'A':
			d.New = true
		case 'D':
			d.Deleted = true
		}
		if len(diffs) == MaxDiffFiles {
			return diffs, true, nil
		}
		if d.Patch, err = patch(ctx, dir, a, b, d); err != nil {
			return nil, false, err
		}
		diffs = append(diffs, d)
	}
	return diffs, false, nil
}

// patch is d's unified diff from its first hunk on.
func patch(ctx context.Context, dir, a, b string, d Diff) (string, error) {
	out, err := inRepo(ctx, dir, nil, nil, "diff", "-M", a, b, "--", ":(literal)"+d.OldPath, ":(literal)"+d.NewPath)
	if err != nil {
		return "", fmt.Errorf("git diff in %s: %w", dir, err)
	}
	if i := strings.Index(out, "\n@@ "); i >= 0 {
		return out[i+1:], nil
	}
	return "", nil
}

// CommitDiffs returns the changes commit sha made to its first parent (to
// the empty tree for a root commit).
func CommitDiffs(ctx context.Context, dir, sha string) ([]Diff, bool, error) {
	parent, err := resolveCommit(ctx, dir, sha+"^")
	if err != nil {
		return nil, false, err
	}
	if parent == "" {
		out, err := inRepo(ctx, dir, strings.NewReader(""), nil, "hash-object", "-t", "tree", "--stdin")
		if err != nil {
			return nil, false, fmt.Errorf("git hash-object in %s: %w", dir, err)
		}
		parent = strings.TrimSpace(out)
	}
	return Diffs(ctx, dir, parent, sha)
}

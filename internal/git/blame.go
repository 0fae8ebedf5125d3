package git

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// BlameRange is a run of consecutive lines of a file last changed by one
// commit.
type BlameRange struct {
	Commit string
	Lines  []string
}

// Blame tells which commit last changed each line of file in commit, as
// runs of lines; from and to (1-based, 0 for the whole file) limit it to
// those lines.
func Blame(ctx context.Context, dir, commit, file string, from, to int) ([]BlameRange, error) {
	args := []string{"blame", "--porcelain"}
	if from > 0 && to > 0 {
		args = append(args, "-L", strconv.Itoa(from)+","+strconv.Itoa(to))
	}
	out, err := inRepo(ctx, dir, nil, nil, append(args, commit, "--", strings.TrimPrefix(file, "/"))...)
	if err != nil {
		return nil, fmt.Errorf("git blame in %s: %w", dir, err)
	}
	var ranges []BlameRange
	sha := ""
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		if content, ok := strings.CutPrefix(line, "\t"); ok {
			if n := len(ranges); n > 0 && ranges[n-1].Commit == sha {
				ranges[n-1].Lines = append(ranges[n-1].Lines, content)
			} else {
				ranges = append(ranges, BlameRange{Commit: sha, Lines: []string{content}})
			}
			continue
		}
		if f := strings.Fields(line); len(f) >= 3 && isHex(f[0]) && len(f[0]) >= 40 {
			sha = f[0]
		}
	}
	return ranges, nil
}

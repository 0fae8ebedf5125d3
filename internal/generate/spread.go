package generate

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Counts is how many records of each kind an archive holds, top-level
// relations and nested ones alike ("notes", "merge_request_diff_files",
// "builds", ...).
type Counts map[string]int64

// Total is the number of records of every kind.
func (c Counts) Total() int64 {
	var n int64
	for _, v := range c {
		n += v
	}
	return n
}

// String lists the counts, largest first.
func (c Counts) String() string {
	kinds := make([]string, 0, len(c))
	for k := range c {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		return c[kinds[i]] > c[kinds[j]] || c[kinds[i]] == c[kinds[j]] && kinds[i] < kinds[j]
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s %d", k, c[k])
	}
	return strings.Join(parts, ", ")
}

// Limits of one item's drawn counts, so that no record nears the
// archive's line limit (the huge scale tests that on purpose).
const (
	maxNotes     = 1500
	maxDiffFiles = 1000
	maxDiffLines = 1500
	maxCommits   = 500
	maxBuilds    = 300
)

// Shares of a spread scale's notes: GitLab writes a system note (with its
// system_note_metadata) for each label, assignee, milestone or status
// change and each push to a merge request, and an event for each comment;
// some comments get an award emoji.
const (
	systemNoteShare = 0.4
	awardShare      = 0.1
)

// spread draws how many of something one item has: mean itself on a scale
// without Spread; otherwise from a log-normal tail (σ = 1) of that mean,
// capped at limit: half the items have at most ~0.6 × mean, one in fifty
// more than ~6 × mean.
func (g *gen) spread(mean, limit int) int {
	if !g.sc.Spread || mean <= 0 {
		return mean
	}
	const sigma = 1.0
	x := math.Exp(math.Log(float64(mean)) - sigma*sigma/2 + sigma*g.rnd.NormFloat64())
	return min(int(x+0.5), limit)
}

// chance reports true with probability p on a spread scale, and
// otherwise when fallback is.
func (g *gen) chance(p float64, fallback bool) bool {
	if !g.sc.Spread {
		return fallback
	}
	return g.rnd.Float64() < p
}

func (g *gen) count(kind string, n int) { g.counts[kind] += int64(n) }

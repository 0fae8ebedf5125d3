package content

import (
	"slices"
	"strings"
)

func sorted(items []string) []string {
	out := slices.Clone(items)
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// humanTime is a duration in seconds as GitLab's TimeTrackingFormatter
// writes it ("1w 2d 3h 4m": weeks of 5 days of 8 hours); null for 0.
func humanTime(seconds int64) *string {
	if seconds == 0 {
		return nil
	}
	var parts []string
	s := seconds
	if s < 0 {
		s = -s
	}
	for _, u := range []struct {
		n    int64
		name string
	}{{5 * 8 * 3600, "w"}, {8 * 3600, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}} {
		if s >= u.n {
			parts = append(parts, itoa(s/u.n)+u.name)
			s %= u.n
		}
	}
	out := strings.Join(parts, " ")
	if seconds < 0 {
		out = "-" + out
	}
	return &out
}

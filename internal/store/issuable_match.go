package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// How a search's words index query (SQLite) becomes a condition on the
// rows it matches. The query is evaluated once, its row ids read in one
// value, and then, by how many match:
//
//   - none: no row;
//   - up to fewMatches: the list is read from those rows (sorted), not by
//     walking the list index;
//   - more: the list index is walked in its order, each entry tested in a
//     map of the matching ids (one byte per id over their range, bound as
//     a blob): a byte compare instead of a probe of a temporary b-tree,
//     which made deep pages of common words 3 to 4 times slower
//     (BENCHMARKS.md);
//   - over maxMatchIDs, or over a range wider than maxMatchSpan: the
//     index query in a subquery, as before (bounded memory).
var (
	fewMatches   = 5000
	maxMatchIDs  = 1 << 18
	maxMatchSpan = int64(4 << 20)
)

// matchSet is the rows an index query matches.
type matchSet struct {
	n      int
	ids    string // their ids, a JSON array, when n <= fewMatches
	lo, hi int64
	bits   []byte // bits[id-lo] is 1 when id matches, when n > fewMatches
	over   bool   // too many or too spread: left to a subquery
}

// matchRows evaluates the index query match.
func (q queries) matchRows(ctx context.Context, match string) (matchSet, error) {
	var m matchSet
	var lo, hi sql.NullInt64
	var list sql.NullString
	err := q.queryRow(ctx, `SELECT count(*), min(rowid), max(rowid), group_concat(rowid) FROM (SELECT rowid
		FROM issuables_search WHERE issuables_search MATCH ? LIMIT ?) s`, match, maxMatchIDs+1).Scan(&m.n, &lo, &hi, &list)
	if err != nil {
		return m, fmt.Errorf("search the words index: %w", err)
	}
	m.lo, m.hi = lo.Int64, hi.Int64
	switch {
	case m.n == 0:
	case m.n > maxMatchIDs || m.hi-m.lo >= maxMatchSpan:
		m.over = true
	case m.n <= fewMatches:
		m.ids = "[" + list.String + "]"
	default:
		m.bits = make([]byte, m.hi-m.lo+1)
		s := list.String
		for len(s) > 0 {
			end := 0
			for end < len(s) && s[end] != ',' {
				end++
			}
			id, err := strconv.ParseInt(s[:end], 10, 64)
			if err != nil || id < m.lo || id > m.hi {
				return m, fmt.Errorf("search the words index: bad row id %q", s[:end])
			}
			m.bits[id-m.lo] = 1
			s = s[min(end+1, len(s)):]
		}
	}
	return m, nil
}

// cond is the condition on i.id that keeps the matching rows.
func (m matchSet) cond(match string) (string, []any) {
	switch {
	case m.n == 0:
		return "1 = 0", nil
	case m.over:
		return searchMatch, []any{match}
	case m.bits == nil:
		return "i.id IN (SELECT value FROM json_each(?))", []any{m.ids}
	}
	return "i.id BETWEEN ? AND ? AND substr(?, i.id - ? + 1, 1) = x'01'", []any{m.lo, m.hi, m.bits, m.lo}
}

// drive makes the list read the matching rows first when they are few
// (c's whole search condition being m's). It reports whether it did.
func (m matchSet) drive(c *conds) bool {
	if m.n == 0 || m.over || m.bits != nil {
		return false
	}
	c.drive, c.driveArgs = "json_each(?) m CROSS JOIN ", []any{m.ids}
	c.add("i.id = m.value")
	return true
}

package store

import (
	"context"
	"database/sql"
	"fmt"
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

// matchRows evaluates the index query match. Its ids come in one value,
// read in place (sql.RawBytes): no copy but the map (or, when few, the
// list).
func (q queries) matchRows(ctx context.Context, match string) (matchSet, error) {
	var m matchSet
	rows, err := q.query(ctx, `SELECT count(*), coalesce(min(rowid), 0), coalesce(max(rowid), 0), coalesce(group_concat(rowid), '')
		FROM (SELECT rowid FROM issuables_search WHERE issuables_search MATCH ? LIMIT ?) s`, match, maxMatchIDs+1)
	if err != nil {
		return m, fmt.Errorf("search the words index: %w", err)
	}
	defer rows.Close()
	var list sql.RawBytes
	if rows.Next() {
		err = rows.Scan(&m.n, &m.lo, &m.hi, &list)
	}
	if err == nil {
		err = m.read(list)
	}
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return m, fmt.Errorf("search the words index: %w", err)
	}
	return m, nil
}

// read reads the ids of list (decimal, comma-separated) as fits their
// number.
func (m *matchSet) read(list []byte) error {
	switch {
	case m.n == 0:
	case m.n > maxMatchIDs || m.hi-m.lo >= maxMatchSpan:
		m.over = true
	case m.n <= fewMatches:
		m.ids = "[" + string(list) + "]"
	default:
		m.bits = make([]byte, m.hi-m.lo+1)
		id := int64(0)
		for i := 0; i <= len(list); i++ {
			if i < len(list) && list[i] >= '0' && list[i] <= '9' {
				id = id*10 + int64(list[i]-'0')
				continue
			}
			if (i < len(list) && list[i] != ',') || id < m.lo || id > m.hi {
				return fmt.Errorf("bad row id list at byte %d", i)
			}
			m.bits[id-m.lo], id = 1, 0
		}
	}
	return nil
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

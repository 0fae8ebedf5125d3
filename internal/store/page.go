package store

import "math"

// Page selects a page of a list: Number counts from 1, PerPage items each.
type Page struct {
	Number  int
	PerPage int
}

// Limit is the SQL LIMIT of the page.
func (p Page) Limit() int { return p.PerPage }

// Offset is the SQL OFFSET of the page: the items before it. A page too
// far for any list (page=9223372036854775807) saturates at math.MaxInt
// rather than wrapping negative, so it selects nothing on every dialect.
func (p Page) Offset() int {
	if p.Number <= 1 || p.PerPage <= 0 {
		return 0
	}
	if p.Number-1 > math.MaxInt/p.PerPage {
		return math.MaxInt
	}
	return (p.Number - 1) * p.PerPage
}

// End is the offset just past the page (Offset plus PerPage, saturating
// like Offset).
func (p Page) End() int {
	if off := p.Offset(); off <= math.MaxInt-p.PerPage {
		return off + p.PerPage
	}
	return math.MaxInt
}

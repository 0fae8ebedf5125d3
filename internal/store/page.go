package store

// Page selects a page of a list: Number counts from 1, PerPage items each.
type Page struct {
	Number  int
	PerPage int
}

// Limit is the SQL LIMIT of the page.
func (p Page) Limit() int { return p.PerPage }

// Offset is the SQL OFFSET of the page.
func (p Page) Offset() int { return (p.Number - 1) * p.PerPage }

package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// MaxPerPage is the most items one page holds (GitLab's Kaminari
// max_per_page).
const MaxPerPage = 100

// pager is GitLab's offset pagination of one list request: page and
// per_page read as Grape validates them and Kaminari applies them, and the
// headers GitLab's OffsetHeaderBuilder writes. Every list uses it.
type pager struct {
	page, perPage int
}

// readPager reads page (default 1; below 1 is the first page) and per_page
// (default 20, at most MaxPerPage, a negative value is the default).
// Returns a *ferry.ParamError for a value that is not a number or a
// per_page of 0, as Grape answers them.
func readPager(p params) (pager, error) {
	page, err := p.integer("page", 1)
	if err != nil {
		return pager{}, err
	}
	perPage, err := p.integer("per_page", 20)
	switch {
	case err != nil:
		return pager{}, err
	case perPage == 0:
		return pager{}, &ferry.ParamError{Param: "per_page", Reason: "has a value not allowed"}
	case perPage < 0:
		perPage = 20
	}
	return pager{page: int(max(page, 1)), perPage: int(min(perPage, MaxPerPage))}, nil
}

// store is the page as the store selects it.
func (pg pager) store() store.Page { return store.Page{Number: pg.page, PerPage: pg.perPage} }

// offset is the number of items before pg's page (saturating for a page
// too far for any list, never negative).
func (pg pager) offset() int { return pg.store().Offset() }

// pageOf returns pg's part of items (a list built in memory).
func pageOf[T any](pg pager, items []T) []T {
	from := min(pg.offset(), len(items))
	return items[from:min(from+pg.perPage, len(items))]
}

// writeList answers one page of a list of total items with GitLab's
// pagination headers.
func (a *API) writeList(w http.ResponseWriter, r *request, pg pager, total int, page any) {
	pg.setHeaders(w, r.Request, a.base, total)
	writeJSON(w, http.StatusOK, page)
}

// writeListWithoutCount answers one page of a list whose total is not
// counted (GitLab's paginate without_count and exclude_total_headers): no
// X-Total, X-Total-Pages or last link; hasNext tells whether a page follows.
func (a *API) writeListWithoutCount(w http.ResponseWriter, r *request, pg pager, hasNext bool, page any) {
	next := 0
	if hasNext {
		next = pg.page + 1
	}
	pg.setLinks(w, r.Request, a.base, pg.page > 1, next, 0)
	writeJSON(w, http.StatusOK, page)
}

// maxCounted is the most items GitLab's offset pagination counts
// (Gitlab::Pagination::OffsetPagination with Kaminari's MAX_COUNT_LIMIT):
// past it, a list answers without X-Total, X-Total-Pages and the last link.
const maxCounted = 10000

// writeCounted answers one page of a list counted up to maxCounted: with
// its total, or, past the limit, without (GitLab's without_count: a next
// page when a row follows; neither a next nor a previous page when the
// page is empty).
func (a *API) writeCounted(w http.ResponseWriter, r *request, pg pager, total store.ListTotal, page any) {
	if !total.Over {
		a.writeList(w, r, pg, total.N, page)
		return
	}
	next := 0
	if total.Next {
		next = pg.page + 1
	}
	pg.setLinks(w, r.Request, a.base, total.Prev, next, 0)
	writeJSON(w, http.StatusOK, page)
}

// setHeaders writes X-Per-Page, X-Page, X-Next-Page, X-Prev-Page, Link
// (prev, next, first, last, in GitLab's order), X-Total and X-Total-Pages.
// As Kaminari, a page past the last one has neither a next nor a previous
// page.
func (pg pager) setHeaders(w http.ResponseWriter, r *http.Request, base string, total int) {
	pages := (total + pg.perPage - 1) / pg.perPage
	inRange := pg.page <= pages
	next := 0
	if inRange && pg.page < pages {
		next = pg.page + 1
	}
	pg.setLinks(w, r, base, inRange && pg.page > 1, next, max(pages, 1))
	w.Header().Set("X-Total", strconv.Itoa(total))
	w.Header().Set("X-Total-Pages", strconv.Itoa(max(pages, 1)))
}

// setLinks writes X-Per-Page, X-Page, X-Next-Page (next, 0 for none),
// X-Prev-Page and Link: prev, next, first and, when last is not 0, last.
func (pg pager) setLinks(w http.ResponseWriter, r *http.Request, base string, prev bool, next, last int) {
	h := w.Header()
	h.Set("X-Per-Page", strconv.Itoa(pg.perPage))
	h.Set("X-Page", strconv.Itoa(pg.page))
	h.Set("X-Next-Page", "")
	h.Set("X-Prev-Page", "")
	var links []string
	if prev {
		h.Set("X-Prev-Page", strconv.Itoa(pg.page-1))
		links = append(links, pg.link(r, base, pg.page-1, "prev"))
	}
	if next != 0 {
		h.Set("X-Next-Page", strconv.Itoa(next))
		links = append(links, pg.link(r, base, next, "next"))
	}
	links = append(links, pg.link(r, base, 1, "first"))
	if last != 0 {
		links = append(links, pg.link(r, base, last, "last"))
	}
	h.Set("Link", strings.Join(links, ", "))
}

// withQuery is r's path and query with each key of keyValues (key,
// value, key, value, ...) set to its value.
func withQuery(r *http.Request, keyValues ...string) string {
	q := r.URL.Query()
	for i := 0; i+1 < len(keyValues); i += 2 {
		q.Set(keyValues[i], keyValues[i+1])
	}
	u := url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: q.Encode()}
	return u.String()
}

// link is one Link entry: the request's URL under base with page n.
func (pg pager) link(r *http.Request, base string, n int, rel string) string {
	return "<" + base + withQuery(r, "page", strconv.Itoa(n), "per_page", strconv.Itoa(pg.perPage)) + `>; rel="` + rel + `"`
}

// writePage answers pg's page of items, each shown by show, with GitLab's
// pagination headers.
func writePage[T, E any](a *API, w http.ResponseWriter, r *request, pg pager, items []T, show func(T) E) {
	a.writeList(w, r, pg, len(items), mapSlice(pageOf(pg, items), show))
}

// mapSlice shows each item (an empty list, never null, for none).
func mapSlice[T, E any](items []T, show func(T) E) []E {
	out := make([]E, 0, len(items))
	for _, item := range items {
		out = append(out, show(item))
	}
	return out
}

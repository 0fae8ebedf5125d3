package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// writeJSON answers v with status. The Content-Type is exactly
// "application/json": python-gitlab compares it literally.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// timestamp is a time as GitLab writes it: UTC with milliseconds,
// "2017-08-29T04:36:44.383Z".
type timestamp time.Time

const gitlabTime = "2006-01-02T15:04:05.000Z"

// MarshalJSON writes GitLab's format.
func (t timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(gitlabTime) + `"`), nil
}

// ts converts a time.
func ts(t time.Time) timestamp { return timestamp(t) }

// date is a date as GitLab writes expires_at: "2026-12-31".
type date time.Time

// MarshalJSON writes YYYY-MM-DD.
func (d date) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(d).UTC().Format(time.DateOnly) + `"`), nil
}

func nilDate(t *time.Time) *date {
	if t == nil {
		return nil
	}
	v := date(*t)
	return &v
}

// pageParams reads GitLab's page and per_page (default 20, at most 100).
func pageParams(p params) (page, perPage int, err error) {
	pg, err := p.integer("page", 1)
	if err != nil {
		return 0, 0, err
	}
	pp, err := p.integer("per_page", 20)
	if err != nil {
		return 0, 0, err
	}
	return int(max(pg, 1)), int(min(max(pp, 1), 100)), nil
}

// setPageHeaders writes GitLab's pagination headers (X-Total, X-Page,
// X-Per-Page, X-Total-Pages, X-Next-Page, X-Prev-Page and Link).
func setPageHeaders(w http.ResponseWriter, r *http.Request, base string, page, perPage, total int) {
	pages := max((total+perPage-1)/perPage, 1)
	h := w.Header()
	h.Set("X-Total", strconv.Itoa(total))
	h.Set("X-Total-Pages", strconv.Itoa(pages))
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	h.Set("X-Next-Page", "")
	h.Set("X-Prev-Page", "")
	link := func(n int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		q.Set("per_page", strconv.Itoa(perPage))
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		return "<" + base + u.String() + `>; rel="` + rel + `"`
	}
	links := []string{}
	if page < pages {
		h.Set("X-Next-Page", strconv.Itoa(page+1))
		links = append(links, link(page+1, "next"))
	}
	if page > 1 {
		h.Set("X-Prev-Page", strconv.Itoa(page-1))
		links = append(links, link(page-1, "prev"))
	}
	links = append(links, link(1, "first"), link(pages, "last"))
	h.Set("Link", strings.Join(links, ", "))
}

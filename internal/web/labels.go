package web

import (
	"net/http"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
)

// labelsView is a page of a project's labels.
type labelsView struct {
	Search string
	Labels []content.Label
	Pages  pager
}

// labels is /<project>/-/labels (?search= filters by name).
func (s *Web) labels(w http.ResponseWriter, r *request) error {
	if r.rest != "" {
		return ferry.ErrNotFound
	}
	v := labelsView{Search: r.URL.Query().Get("search")}
	pg := s.pageOf(r)
	list, total, err := s.content.Labels(r.ctx(), *r.project, v.Search, pg)
	if err != nil {
		return err
	}
	v.Labels, v.Pages = list, newPager(r, pg, total)
	return s.render(w, r, "labels", v)
}

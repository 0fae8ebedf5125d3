package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
)

// snippetView is one project snippet.
type snippetView struct {
	Snippet     content.Snippet
	Description template.HTML
}

// snippetsView is a page of a project's snippets.
type snippetsView struct {
	Snippets []content.Snippet
	Pages    pager
}

// snippets is /<project>/-/snippets (those the visitor may see) and
// /<project>/-/snippets/<id> (a snippet's web_url), for who may see the
// snippet (its own visibility, as the API).
func (s *Web) snippets(w http.ResponseWriter, r *request) error {
	if r.rest == "" {
		pg := s.pageOf(r)
		list, total, err := s.content.Snippets(r.ctx(), viewer(r), *r.project, pg)
		if err != nil {
			return err
		}
		return s.render(w, r, "snippets", snippetsView{Snippets: list, Pages: newPager(r, pg, total)})
	}
	id, err := strconv.ParseInt(r.rest, 10, 64)
	if err != nil {
		return ferry.ErrNotFound
	}
	sn, err := s.content.Snippet(r.ctx(), viewer(r), *r.project, id)
	if err != nil {
		return err
	}
	v := snippetView{Snippet: sn}
	if v.Description, err = s.markdownOf(r, sn.Description); err != nil {
		return err
	}
	return s.render(w, r, "snippet", v)
}

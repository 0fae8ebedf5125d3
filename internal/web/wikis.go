package web

import (
	"html/template"
	"net/http"
	"slices"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/wiki"
)

// wikiView is the list of a wiki's pages, or one page.
type wikiView struct {
	Pages []wiki.Page
	// Page is set on a page's own view: its Markdown rendered, or its
	// text when it is another markup.
	Page     *wiki.Page
	Rendered template.HTML
	Text     string
}

// maxWikiPage is the largest wiki page the web shows.
const maxWikiPage = 1 << 20

// wikis is /<project>/-/wikis (every page) and /<project>/-/wikis/<slug>.
// Whoever sees the project reads its wiki, as the API.
func (s *Web) wikis(w http.ResponseWriter, r *request) error {
	dir := s.repos.WikiDir(r.project.ID)
	pages, err := wiki.Head(r.ctx(), dir)
	if err != nil {
		return err
	}
	v := wikiView{Pages: pages}
	if r.rest == "" || r.rest == "pages" {
		return s.render(w, r, "wikis", v)
	}
	i := slices.IndexFunc(pages, func(pg wiki.Page) bool { return pg.Slug == r.rest })
	if i < 0 {
		return ferry.ErrNotFound
	}
	v.Page = &pages[i]
	text, ok, err := s.blobText(r, dir, v.Page.Blob, maxWikiPage)
	if err != nil {
		return err
	}
	switch {
	case !ok:
		v.Text = "(This page is too large or binary to show.)"
	case v.Page.Format == "markdown":
		v.Rendered, err = s.markdown(r, text)
	default:
		v.Text = text
	}
	if err != nil {
		return err
	}
	return s.render(w, r, "wikis", v)
}

package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ferryhq/ferry/internal/git"
	"github.com/ferryhq/ferry/internal/wiki"
)

// wikiPage is GitLab's Entities::WikiPage (content and encoding only with
// content, as Entities::WikiPageBasic has not).
type wikiPage struct {
	Format   string  `json:"format"`
	Slug     string  `json:"slug"`
	Title    string  `json:"title"`
	Content  *string `json:"content,omitempty"`
	Encoding string  `json:"encoding,omitempty"`
	blob     string
}

// wiki resolves :id for reading its wiki (GitLab's read_wiki: Guest and
// above on a private project) and returns its pages at version (a commit
// of the wiki; "" for its HEAD), sorted by slug. Returns 404 Wiki Page Not
// Found for an unknown version.
func (a *API) wiki(r *request, version string) (string, []wikiPage, error) {
	p, _, err := a.findProject(r) // whoever sees the project reads its wiki
	if err != nil {
		return "", nil, err
	}
	dir := a.repos.WikiDir(p.ID)
	if ok, err := wiki.Exists(dir); err != nil || !ok {
		return dir, nil, err
	}
	head, err := git.Head(r.ctx(), dir)
	if version != "" {
		head, err = resolve(r, dir, version, "Wiki Page")
	}
	if errors.Is(err, git.ErrNoRef) {
		return dir, nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	found, err := wiki.Pages(r.ctx(), dir, head)
	if err != nil {
		return "", nil, err
	}
	pages := make([]wikiPage, 0, len(found))
	for _, pg := range found {
		pages = append(pages, wikiPage{Format: pg.Format, Slug: pg.Slug, Title: pg.Title, blob: pg.Blob})
	}
	return dir, pages, nil
}

// withContent adds pg's content and its encoding.
func withContent(r *request, dir string, pg wikiPage) (wikiPage, error) {
	var b strings.Builder
	if err := git.StreamBlob(r.ctx(), dir, pg.blob, &b); err != nil {
		return pg, err
	}
	content := b.String()
	pg.Content, pg.Encoding = &content, "UTF-8"
	if !utf8.ValidString(content) {
		pg.Encoding = "ASCII-8BIT"
	}
	return pg, nil
}

// listWikiPages is GET /projects/:id/wikis (with_content).
func (a *API) listWikiPages(w http.ResponseWriter, r *request) error {
	withBody, err := r.params.boolean("with_content", false)
	if err != nil {
		return err
	}
	dir, pages, err := a.wiki(r, "")
	if err != nil {
		return err
	}
	out := make([]wikiPage, 0, len(pages))
	for _, pg := range pages {
		if withBody {
			if pg, err = withContent(r, dir, pg); err != nil {
				return err
			}
		}
		out = append(out, pg)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// getWikiPage is GET /projects/:id/wikis/:slug (version: a commit of the
// wiki).
func (a *API) getWikiPage(w http.ResponseWriter, r *request) error {
	version, _ := r.params.str("version")
	dir, pages, err := a.wiki(r, version)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(pages, func(pg wikiPage) bool { return pg.Slug == r.PathValue("slug") })
	if i < 0 {
		return notFound("Wiki Page")
	}
	pg, err := withContent(r, dir, pages[i])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}

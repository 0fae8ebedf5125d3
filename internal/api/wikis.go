package api

import (
	"errors"
	"net/http"
	"os"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ferryhq/ferry/internal/git"
)

// wikiFormats are the markups GitLab's wiki knows, by file extension.
var wikiFormats = map[string]string{
	"md": "markdown", "markdown": "markdown", "mdown": "markdown", "mkd": "markdown", "mkdn": "markdown",
	"rdoc": "rdoc", "asciidoc": "asciidoc", "adoc": "asciidoc", "asc": "asciidoc", "org": "org",
	"textile": "textile", "creole": "creole", "rst": "rst", "mediawiki": "mediawiki", "wiki": "mediawiki",
	"pod": "pod",
}

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
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return dir, nil, nil
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
	entries, err := git.Tree(r.ctx(), dir, head, "", true)
	if err != nil {
		return "", nil, err
	}
	var pages []wikiPage
	for _, e := range entries {
		ext := strings.TrimPrefix(path.Ext(e.Name), ".")
		if format, ok := wikiFormats[ext]; ok && e.Type == "blob" {
			slug := strings.TrimSuffix(e.Path, "."+ext)
			pages = append(pages, wikiPage{Format: format, Slug: slug,
				Title: strings.ReplaceAll(path.Base(slug), "-", " "), blob: e.ID})
		}
	}
	slices.SortFunc(pages, func(x, y wikiPage) int { return strings.Compare(x.Slug, y.Slug) })
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

// Package wiki reads a project's wiki repository as GitLab shows it: its
// pages are the files of a known markup, named by their path without the
// extension (the slug). The API's /wikis and the web's wiki pages both
// read it here.
package wiki

import (
	"context"
	"errors"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/ferryhq/ferry/internal/git"
)

// Formats are the markups GitLab's wiki knows, by file extension.
var Formats = map[string]string{
	"md": "markdown", "markdown": "markdown", "mdown": "markdown", "mkd": "markdown", "mkdn": "markdown",
	"rdoc": "rdoc", "asciidoc": "asciidoc", "adoc": "asciidoc", "asc": "asciidoc", "org": "org",
	"textile": "textile", "creole": "creole", "rst": "rst", "mediawiki": "mediawiki", "wiki": "mediawiki",
	"pod": "pod",
}

// Page is one page of a wiki: its markup, slug, title and blob.
type Page struct {
	Format, Slug, Title string
	Blob                string
}

// Exists reports whether the wiki repository at dir was created.
func Exists(dir string) (bool, error) {
	_, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Pages are the pages of the wiki at dir at commit head, sorted by slug.
func Pages(ctx context.Context, dir, head string) ([]Page, error) {
	entries, err := git.Tree(ctx, dir, head, "", true)
	if err != nil {
		return nil, err
	}
	var pages []Page
	for _, e := range entries {
		ext := strings.TrimPrefix(path.Ext(e.Name), ".")
		if format, ok := Formats[ext]; ok && e.Type == "blob" {
			slug := strings.TrimSuffix(e.Path, "."+ext)
			pages = append(pages, Page{Format: format, Slug: slug,
				Title: strings.ReplaceAll(path.Base(slug), "-", " "), Blob: e.ID})
		}
	}
	slices.SortFunc(pages, func(x, y Page) int { return strings.Compare(x.Slug, y.Slug) })
	return pages, nil
}

// Head lists the pages of the wiki at dir at its HEAD: none when the wiki
// has no repository or no commit yet.
func Head(ctx context.Context, dir string) ([]Page, error) {
	ok, err := Exists(dir)
	if err != nil || !ok {
		return nil, err
	}
	head, err := git.Head(ctx, dir)
	if errors.Is(err, git.ErrNoRef) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return Pages(ctx, dir, head)
}

package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
)

// releasesView is a page of releases, or one release.
type releasesView struct {
	Releases []releaseView
	Pages    pager
}

// releaseView is a release, its notes rendered.
type releaseView struct {
	content.Release
	Notes template.HTML
	// Sources are the archives of the tag, by format, as paths of Ferry.
	Sources []navTab
}

// releases is /<project>/-/releases (newest first),
// /<project>/-/releases/<tag>, its /edit (the release: Ferry edits
// nothing) and its /downloads/<path> (the asset link's URL).
func (s *Web) releases(w http.ResponseWriter, r *request) error {
	if r.rest != "" {
		return s.release(w, r)
	}
	pg := s.pageOf(r)
	list, total, err := s.content.Releases(r.ctx(), viewer(r), *r.project, content.ReleaseFilter{}, pg)
	if err != nil {
		return err
	}
	v := releasesView{Pages: newPager(r, pg, total)}
	for _, rel := range list {
		rv, err := s.releaseView(r, rel)
		if err != nil {
			return err
		}
		v.Releases = append(v.Releases, rv)
	}
	return s.render(w, r, "releases", v)
}

// release is one release's page, or the redirect of its asset link.
func (s *Web) release(w http.ResponseWriter, r *request) error {
	tag, tail, _ := strings.Cut(r.rest, "/")
	rel, err := s.content.Release(r.ctx(), viewer(r), *r.project, tag)
	if err != nil {
		return err
	}
	switch asset, isAsset := strings.CutPrefix(tail, "downloads/"); {
	case isAsset:
		return s.releaseAsset(w, r, rel, asset)
	case tail != "" && tail != "edit":
		return ferry.ErrNotFound
	}
	rv, err := s.releaseView(r, rel)
	if err != nil {
		return err
	}
	return s.render(w, r, "releases", releasesView{Releases: []releaseView{rv}})
}

// releaseAsset sends the visitor to the URL of rel's link whose direct
// asset path is path, as GitLab does.
func (s *Web) releaseAsset(w http.ResponseWriter, r *request, rel content.Release, path string) error {
	for _, l := range rel.Assets.Links {
		if strings.HasSuffix(l.DirectAssetURL, "/downloads/"+path) && safeLink(l.URL) {
			http.Redirect(w, r.Request, l.URL, http.StatusFound)
			return nil
		}
	}
	return ferry.ErrNotFound
}

// safeLink reports whether an imported URL may be followed: http(s) only.
func safeLink(u string) bool {
	lower := strings.ToLower(u)
	return strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://")
}

func (s *Web) releaseView(r *request, rel content.Release) (releaseView, error) {
	notes, err := s.markdownOf(r, rel.Description)
	v := releaseView{Release: rel, Notes: notes}
	for _, src := range rel.Assets.Sources {
		v.Sources = append(v.Sources, navTab{Label: src.Format, Href: strings.TrimPrefix(src.URL, s.base)})
	}
	return v, err
}

package content

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

type badgeRecord struct {
	Name     *string `json:"name"`
	LinkURL  string  `json:"link_url"`
	ImageURL string  `json:"image_url"`
}

// Badge is GitLab's Badge entity (BasicBadgeDetails, id and kind); its id
// is the stored record's row id.
type Badge struct {
	Name             *string `json:"name"`
	LinkURL          string  `json:"link_url"`
	ImageURL         string  `json:"image_url"`
	RenderedLinkURL  string  `json:"rendered_link_url"`
	RenderedImageURL string  `json:"rendered_image_url"`
	ID               int64   `json:"id"`
	Kind             string  `json:"kind"`
}

// Badges returns the page of project p's badges whose name is name (""
// for all), in the archive's order, and their total.
func (r *Reader) Badges(ctx context.Context, p ferry.Project, name string, pg store.Page) ([]Badge, int, error) {
	keep := func(b *badgeRecord) bool { return name == "" || deref(b.Name) == name }
	return streamPage(ctx, r, p, "project_badges", pg, keep, func(id int64, b *badgeRecord) (Badge, error) {
		return r.badge(p, id, b), nil
	})
}

// Badge returns project p's badge id. Returns ferry.ErrNotFound if there
// is none.
func (r *Reader) Badge(ctx context.Context, p ferry.Project, id int64) (Badge, error) {
	return recordByRow(ctx, r, p, "project_badges", id,
		func(row int64, b *badgeRecord) (Badge, error) { return r.badge(p, row, b), nil })
}

func (r *Reader) badge(p ferry.Project, id int64, b *badgeRecord) Badge {
	return Badge{Name: b.Name, LinkURL: b.LinkURL, ImageURL: b.ImageURL, RenderedLinkURL: r.renderBadge(p, b.LinkURL),
		RenderedImageURL: r.renderBadge(p, b.ImageURL), ID: id, Kind: "project"}
}

// renderBadge fills in a badge URL's placeholders as GitLab's
// Badge#rendered_link_url does (the commit and tag ones stay empty: Ferry
// does not read the repository for them).
func (r *Reader) renderBadge(p ferry.Project, s string) string {
	server := r.base
	if u, err := url.Parse(r.base); err == nil {
		server = u.Hostname()
	}
	return strings.NewReplacer(
		"%{project_path}", p.FullPath(), "%{project_title}", p.Name, "%{project_name}", p.Path,
		"%{project_id}", strconv.FormatInt(p.ID, 10), "%{project_namespace}", p.Namespace.FullPath,
		"%{group_name}", p.Namespace.Path, "%{gitlab_server}", server, "%{default_branch}", p.DefaultBranch,
		"%{commit_sha}", "", "%{latest_tag}", "",
	).Replace(s)
}

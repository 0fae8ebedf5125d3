package content

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// BadgeDetails is GitLab's BasicBadgeDetails entity (what GET
// /badges/render shows).
type BadgeDetails struct {
	Name             *string `json:"name"`
	LinkURL          string  `json:"link_url"`
	ImageURL         string  `json:"image_url"`
	RenderedLinkURL  string  `json:"rendered_link_url"`
	RenderedImageURL string  `json:"rendered_image_url"`
}

// A group's badges render their placeholders with a project of the group
// (GitLab's BadgesHelpers: the first GroupProjectsFinder gives); with no
// project they show as stored.
func (r *Reader) groupBadge(p *ferry.Project, id int64, b *badgeRecord) Badge {
	e := Badge{Name: b.Name, LinkURL: b.LinkURL, ImageURL: b.ImageURL, RenderedLinkURL: b.LinkURL,
		RenderedImageURL: b.ImageURL, ID: id, Kind: "group"}
	if p != nil {
		e.RenderedLinkURL, e.RenderedImageURL = r.renderBadge(*p, b.LinkURL), r.renderBadge(*p, b.ImageURL)
	}
	return e
}

// GroupBadges returns the page of group g's badges whose name is name (""
// for all), in stored order, and their total; p renders them (nil for
// none).
func (r *Reader) GroupBadges(ctx context.Context, g ferry.Namespace, p *ferry.Project, name string, pg store.Page) ([]Badge, int, error) {
	all, err := groupRecords[badgeRecord](ctx, r.db, "badges", g.ID)
	if err != nil {
		return nil, 0, err
	}
	kept := all[:0]
	for _, b := range all {
		if name == "" || deref(b.rec.Name) == name {
			kept = append(kept, b)
		}
	}
	out := []Badge{}
	for _, b := range window(kept, pg) {
		out = append(out, r.groupBadge(p, b.id, &b.rec))
	}
	return out, len(kept), nil
}

// GroupBadge returns badge id of group g, rendered with p. Returns
// ferry.ErrNotFound if g has none.
func (r *Reader) GroupBadge(ctx context.Context, g ferry.Namespace, p *ferry.Project, id int64) (Badge, error) {
	_, data, err := r.db.GroupRelationRecordByID(ctx, g.ID, "badges", id)
	if err != nil {
		return Badge{}, err
	}
	b, err := decode[badgeRecord]("badges", id, data)
	if err != nil {
		return Badge{}, err
	}
	return r.groupBadge(p, id, b), nil
}

// BadgeInput is what creates or changes a badge; a nil field is left as
// it is.
type BadgeInput struct {
	LinkURL, ImageURL, Name *string
}

// RenderGroupBadge is GET /groups/:id/badges/render: the badge in shows,
// rendered with p, not stored. Returns an *InvalidError as
// CreateGroupBadge does.
func (r *Reader) RenderGroupBadge(p *ferry.Project, in BadgeInput) (BadgeDetails, error) {
	b := badgeRecord{LinkURL: deref(in.LinkURL), ImageURL: deref(in.ImageURL), Name: in.Name}
	if err := validateBadge(b); err != nil {
		return BadgeDetails{}, err
	}
	e := r.groupBadge(p, 0, &b)
	return BadgeDetails{Name: e.Name, LinkURL: e.LinkURL, ImageURL: e.ImageURL, RenderedLinkURL: e.RenderedLinkURL,
		RenderedImageURL: e.RenderedImageURL}, nil
}

// CreateGroupBadge adds a badge to group g. Returns an *InvalidError for
// a link or image URL GitLab's Badge model refuses.
func (r *Reader) CreateGroupBadge(ctx context.Context, g ferry.Namespace, p *ferry.Project, in BadgeInput) (Badge, error) {
	b := badgeRecord{LinkURL: deref(in.LinkURL), ImageURL: deref(in.ImageURL), Name: in.Name}
	if err := validateBadge(b); err != nil {
		return Badge{}, err
	}
	var out Badge
	err := r.groupTx(ctx, g.ID, func(tx *store.Tx) error {
		f := newFields(g.ID, archiveNow())
		f.set("link_url", b.LinkURL)
		f.set("image_url", b.ImageURL)
		f.set("type", "GroupBadge")
		f.set("name", b.Name)
		id, err := appendRecord(ctx, tx, g.ID, "badges", f)
		out = r.groupBadge(p, id, &b)
		return err
	})
	return out, err
}

// UpdateGroupBadge changes badge id of group g. Returns
// ferry.ErrNotFound if g has none, an *InvalidError as CreateGroupBadge
// does.
func (r *Reader) UpdateGroupBadge(ctx context.Context, g ferry.Namespace, p *ferry.Project, id int64, in BadgeInput) (Badge, error) {
	var out Badge
	err := r.groupTx(ctx, g.ID, func(tx *store.Tx) error {
		_, data, err := tx.GroupRelationRecordByID(ctx, g.ID, "badges", id)
		if err != nil {
			return err
		}
		b, err := decode[badgeRecord]("badges", id, data)
		if err != nil {
			return err
		}
		if in.LinkURL != nil {
			b.LinkURL = *in.LinkURL
		}
		if in.ImageURL != nil {
			b.ImageURL = *in.ImageURL
		}
		if in.Name != nil {
			b.Name = in.Name
		}
		if err := validateBadge(*b); err != nil {
			return err
		}
		_, err = updateByID(ctx, tx, g.ID, "badges", id, func(f recordFields) error {
			f.set("link_url", b.LinkURL)
			f.set("image_url", b.ImageURL)
			f.set("name", b.Name)
			f.set("updated_at", archiveNow())
			return nil
		})
		out = r.groupBadge(p, id, b)
		return err
	})
	return out, err
}

// DeleteGroupBadge removes badge id of group g. Returns
// ferry.ErrNotFound if g has none.
func (r *Reader) DeleteGroupBadge(ctx context.Context, g ferry.Namespace, id int64) error {
	return r.groupTx(ctx, g.ID, func(tx *store.Tx) error { return deleteByID(ctx, tx, g.ID, "badges", id) })
}

var badgePlaceholder = regexp.MustCompile(`%\{[a-z_]+\}`)

// validateBadge is GitLab's Badge validations: link and image URLs
// present and, their placeholders filled in, http(s) URLs with a host
// (AddressableUrlValidator).
func validateBadge(b badgeRecord) error {
	e := &InvalidError{}
	for _, f := range []struct{ name, value string }{{"link_url", b.LinkURL}, {"image_url", b.ImageURL}} {
		if strings.TrimSpace(f.value) == "" {
			e.add(f.name, "can't be blank")
			continue
		}
		u, err := url.Parse(badgePlaceholder.ReplaceAllString(f.value, "x"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			e.add(f.name, "must be a valid URL")
		}
	}
	return e.err()
}

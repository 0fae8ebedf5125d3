package content

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// LinkIDBase makes up the ids of a release's asset links: the release's
// row id times LinkIDBase plus the link's place (from 1).
const LinkIDBase = 1_000

// releaseHead is what lists sort and filter releases by, decoded
// without the rest of the record.
type releaseHead struct {
	Tag        string `json:"tag"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
	ReleasedAt string `json:"released_at"`
}

type releaseRecord struct {
	releaseHead
	Name        *string `json:"name"`
	Description *string `json:"description"`
	AuthorID    int64   `json:"author_id"`
	Sha         string  `json:"sha"`
	Links       []struct {
		Name     string  `json:"name"`
		URL      string  `json:"url"`
		Filepath *string `json:"filepath"`
		LinkType string  `json:"link_type"`
	} `json:"links"`
	MilestoneReleases []struct {
		Milestone struct {
			Title string `json:"title"`
		} `json:"milestone"`
	} `json:"milestone_releases"`
}

// Release is GitLab's Release entity (lib/api/entities/release.rb) as a
// reader who may download code sees it, without description_html. Commit
// is the commit of the release's sha (null when the repository lacks it),
// which the API fills from the repository; Evidences are none (an archive
// carries no release evidence, and an import collects none).
type Release struct {
	Name            *string              `json:"name"`
	TagName         string               `json:"tag_name"`
	Description     *string              `json:"description"`
	CreatedAt       *string              `json:"created_at"`
	ReleasedAt      *string              `json:"released_at"`
	Author          *UserBasic           `json:"author,omitempty"`
	Commit          any                  `json:"commit"`
	UpcomingRelease bool                 `json:"upcoming_release"`
	Milestones      []MilestoneWithStats `json:"milestones,omitempty"`
	CommitPath      string               `json:"commit_path,omitempty"`
	TagPath         string               `json:"tag_path"`
	Assets          ReleaseAssets        `json:"assets"`
	Evidences       []struct{}           `json:"evidences"`
	Links           ReleaseLinks         `json:"_links"`
	// Sha is the commit the archive names.
	Sha string `json:"-"`
}

// ReleaseLinks are a release's _links: edit_url for those who may
// update it (Developers).
type ReleaseLinks struct {
	Self    string `json:"self"`
	EditURL string `json:"edit_url,omitempty"`
}

// MilestoneWithStats is GitLab's MilestoneWithStats entity.
type MilestoneWithStats struct {
	Milestone
	IssueStats struct {
		Total  int `json:"total"`
		Closed int `json:"closed"`
	} `json:"issue_stats"`
}

// ReleaseAssets are a release's sources and links.
type ReleaseAssets struct {
	Count   int             `json:"count"`
	Sources []ReleaseSource `json:"sources"`
	Links   []ReleaseLink   `json:"links"`
}

// ReleaseSource is GitLab's Releases::Source entity.
type ReleaseSource struct {
	Format string `json:"format"`
	URL    string `json:"url"`
}

// ReleaseLink is GitLab's Releases::Link entity.
type ReleaseLink struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	URL            string `json:"url"`
	DirectAssetURL string `json:"direct_asset_url"`
	LinkType       string `json:"link_type"`
}

// ReleaseFilter orders and selects releases (lib/api/releases.rb):
// OrderBy released_at or created_at, Sort asc or desc, updated_at
// bounds (store.TimeText, exclusive).
type ReleaseFilter struct {
	OrderBy, Sort               string
	UpdatedBefore, UpdatedAfter string
}

// Releases returns the page of project p's releases f selects and their
// total, the latest released first by default.
func (r *Reader) Releases(ctx context.Context, v Viewer, p ferry.Project, f ReleaseFilter, pg store.Page) ([]Release, int, error) {
	var entries []catalogEntry
	err := eachRecord(ctx, r, p, "releases", func(id int64, rec *releaseHead) (bool, error) {
		updated := store.UTCText(rec.UpdatedAt)
		if f.UpdatedBefore != "" && updated >= f.UpdatedBefore || f.UpdatedAfter != "" && updated <= f.UpdatedAfter {
			return false, nil
		}
		key := rec.ReleasedAt
		if f.OrderBy == "created_at" {
			key = rec.CreatedAt
		}
		entries = append(entries, catalogEntry{id: id, key: store.UTCText(key), title: rec.Tag})
		return false, nil
	})
	if err != nil {
		return nil, 0, err
	}
	sort := f.Sort
	slices.SortStableFunc(entries, func(a, b catalogEntry) int {
		if sort == "asc" {
			return strings.Compare(a.key, b.key)
		}
		return strings.Compare(b.key, a.key)
	})
	page, l := window(entries, pg), r.lookups()
	out := make([]Release, 0, len(page))
	err = r.eachOf(ctx, p, "releases", page, func(id int64, data []byte) error {
		e, err := decodeShow(data, func(rec *releaseRecord) (Release, error) { return r.release(ctx, l, v, p, id, rec) })
		out = append(out, e)
		return err
	})
	return out, len(entries), err
}

// Release returns project p's release of tag. Returns ferry.ErrNotFound
// if there is none.
func (r *Reader) Release(ctx context.Context, v Viewer, p ferry.Project, tag string) (Release, error) {
	l := r.lookups()
	return findRecord(ctx, r, p, "releases", func(_ int64, rec *releaseRecord) bool { return rec.Tag == tag },
		func(id int64, rec *releaseRecord) (Release, error) { return r.release(ctx, l, v, p, id, rec) })
}

func (r *Reader) release(ctx context.Context, l *lookups, v Viewer, p ferry.Project, id int64, rec *releaseRecord) (Release, error) {
	author, err := l.user(ctx, rec.AuthorID)
	if err != nil {
		return Release{}, err
	}
	web := r.base + "/" + p.FullPath()
	e := Release{Name: rec.Name, TagName: rec.Tag, Description: rec.Description, CreatedAt: timeText(rec.CreatedAt),
		ReleasedAt: timeText(rec.ReleasedAt), Author: author,
		UpcomingRelease: store.UTCText(rec.ReleasedAt) > time.Now().UTC().Format(time.RFC3339Nano),
		TagPath:         "/" + p.FullPath() + "/-/tags/" + rec.Tag,
		Links:           ReleaseLinks{Self: web + "/-/releases/" + rec.Tag}}
	if v.Level >= ferry.Developer {
		e.Links.EditURL = e.Links.Self + "/edit"
	}
	if rec.Sha != "" {
		e.CommitPath = "/" + p.FullPath() + "/-/commit/" + rec.Sha
	}
	e.Sha, e.Evidences = rec.Sha, []struct{}{}
	if e.Milestones, err = r.releaseMilestones(ctx, l, p, rec); err != nil {
		return e, err
	}
	e.Assets = r.assets(p, id, rec)
	return e, nil
}

// assets are the archive formats of the release's tag and its links.
func (r *Reader) assets(p ferry.Project, id int64, rec *releaseRecord) ReleaseAssets {
	a := ReleaseAssets{Sources: []ReleaseSource{}, Links: []ReleaseLink{}}
	name := p.Path + "-" + rec.Tag
	for _, format := range []string{"zip", "tar.gz", "tar.bz2", "tar"} {
		a.Sources = append(a.Sources, ReleaseSource{Format: format,
			URL: r.base + "/" + p.FullPath() + "/-/archive/" + rec.Tag + "/" + name + "." + format})
	}
	for i, link := range rec.Links {
		direct := link.URL
		if link.Filepath != nil && *link.Filepath != "" {
			direct = r.base + "/" + p.FullPath() + "/-/releases/" + rec.Tag + "/downloads" + *link.Filepath
		}
		kind := link.LinkType
		if kind == "" {
			kind = "other"
		}
		a.Links = append(a.Links, ReleaseLink{ID: id*LinkIDBase + int64(i) + 1, Name: link.Name, URL: link.URL,
			DirectAssetURL: direct, LinkType: kind})
	}
	a.Count = len(a.Sources) + len(a.Links)
	return a
}

// releaseMilestones are the project's milestones a release names, with
// the counts of their issues and closed issues.
func (r *Reader) releaseMilestones(ctx context.Context, l *lookups, p ferry.Project, rec *releaseRecord) ([]MilestoneWithStats, error) {
	var out []MilestoneWithStats
	for _, mr := range rec.MilestoneReleases {
		m, err := l.milestone(ctx, p, mr.Milestone.Title)
		if err != nil || m == nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		e := MilestoneWithStats{Milestone: *m}
		for _, state := range []string{"", "closed"} {
			f := store.IssuableFilter{Kind: store.IssueKind, ProjectID: p.ID, Admin: true, SeeConfidential: true,
				Milestone: m.Title, State: state, Page: store.Page{Number: 1, PerPage: 1}}
			_, n, err := r.db.ListIssuables(ctx, f)
			if err != nil {
				return nil, err
			}
			if state == "" {
				e.IssueStats.Total = n.N
			} else {
				e.IssueStats.Closed = n.N
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// LatestReleaseTag returns the tag of project p's latest release (the
// latest released_at). Returns ferry.ErrNotFound if it has none.
func (r *Reader) LatestReleaseTag(ctx context.Context, p ferry.Project) (string, error) {
	var tag, at string
	err := eachRecord(ctx, r, p, "releases", func(_ int64, rec *releaseHead) (bool, error) {
		if t := store.UTCText(rec.ReleasedAt); tag == "" || t > at {
			tag, at = rec.Tag, t
		}
		return false, nil
	})
	if err == nil && tag == "" {
		err = ferry.ErrNotFound
	}
	return tag, err
}

package content

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// ErrNoAward is returned for an award emoji an issuable has not.
var ErrNoAward = fmt.Errorf("no such award emoji: %w", ferry.ErrNotFound)

type awardRecord struct {
	Name      string `json:"name"`
	UserID    int64  `json:"user_id"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// AwardEmoji is GitLab's AwardEmoji entity. Its id is the issuable's id
// times NoteIDBase plus the award's place (from 1) in the record.
type AwardEmoji struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	User          *UserBasic `json:"user"`
	CreatedAt     *string    `json:"created_at"`
	UpdatedAt     *string    `json:"updated_at"`
	AwardableID   int64      `json:"awardable_id"`
	AwardableType string     `json:"awardable_type"`
	URL           *string    `json:"url"`
}

// AwardEmojis returns the page of the award emoji of p's issuable iid
// (kind store.IssueKind or store.MergeRequestKind) and their total, in
// the archive's order. Returns ferry.ErrNotFound if there is no such
// issuable or v may not see it.
func (r *Reader) AwardEmojis(ctx context.Context, v Viewer, p ferry.Project, kind string, iid int64, pg store.Page) ([]AwardEmoji, int, error) {
	t, awards, err := r.awards(ctx, v, p, kind, iid)
	if err != nil {
		return nil, 0, err
	}
	from := min(pg.Offset(), len(awards))
	out, l := []AwardEmoji{}, r.lookups()
	for i := from; i < min(from+pg.Limit(), len(awards)); i++ {
		e, err := r.award(ctx, l, t, i, awards[i])
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, len(awards), nil
}

// AwardEmoji returns award emoji id of p's issuable iid. Returns
// ErrNoAward if the issuable has not that award, ferry.ErrNotFound as
// AwardEmojis.
func (r *Reader) AwardEmoji(ctx context.Context, v Viewer, p ferry.Project, kind string, iid, id int64) (AwardEmoji, error) {
	t, awards, err := r.awards(ctx, v, p, kind, iid)
	if err != nil {
		return AwardEmoji{}, err
	}
	i := id - t.row.ID*NoteIDBase - 1
	if i < 0 || i >= int64(len(awards)) {
		return AwardEmoji{}, ErrNoAward
	}
	return r.award(ctx, r.lookups(), t, int(i), awards[i])
}

func (r *Reader) awards(ctx context.Context, v Viewer, p ferry.Project, kind string, iid int64) (*thread, []awardRecord, error) {
	t, err := r.thread(ctx, v, p, kind, iid)
	if err != nil {
		return nil, nil, err
	}
	var rec struct {
		AwardEmoji []awardRecord `json:"award_emoji"`
	}
	if err := json.Unmarshal(t.data, &rec); err != nil {
		return nil, nil, err
	}
	return t, rec.AwardEmoji, nil
}

func (r *Reader) award(ctx context.Context, l *lookups, t *thread, i int, a awardRecord) (AwardEmoji, error) {
	user, err := l.user(ctx, a.UserID)
	typ := "Issue"
	if t.row.Kind == store.MergeRequestKind {
		typ = "MergeRequest"
	}
	return AwardEmoji{ID: t.row.ID*NoteIDBase + int64(i) + 1, Name: a.Name, User: user, CreatedAt: timeText(a.CreatedAt),
		UpdatedAt: timeText(a.UpdatedAt), AwardableID: t.row.ID, AwardableType: typ}, err
}

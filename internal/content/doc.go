// Package content is the read model of what a project holds: the issues
// and merge requests (and their notes and discussions) an import stored,
// found through the store's index of them (store.Issuable) and shown in
// GitLab's shapes (lib/api/entities). The API calls it, and later the web
// pages: one implementation of "list the issues".
//
// Records are read one at a time from the store, never a relation whole:
// a list page reads its rows from the index and then each row's record.
// Ids GitLab would give on import and the archive does not keep are made
// up stably: an issue or merge request's id is its index row's id, a
// note's id is that id times NoteIDBase plus the note's place, a label's
// or milestone's is its stored record's row id.
package content

import (
	"context"
	"errors"
	"fmt"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// Reader reads a project's content.
type Reader struct {
	db   *store.DB
	base string
}

// New returns a Reader over db; base is the external URL of web_url
// (no trailing slash).
func New(db *store.DB, base string) *Reader { return &Reader{db: db, base: base} }

// UserBasic is GitLab's UserBasic entity.
type UserBasic struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Name      string `json:"name"`
	State     string `json:"state"`
	Locked    bool   `json:"locked"`
	AvatarURL any    `json:"avatar_url"`
	WebURL    string `json:"web_url"`
}

// NewUserBasic shows u as GitLab's UserBasic under base.
func NewUserBasic(base string, u ferry.User) UserBasic {
	return UserBasic{ID: u.ID, Username: u.Username, Name: u.Name, State: u.State, WebURL: base + "/" + u.Username}
}

// lookups caches the users and projects one answer shows.
type lookups struct {
	r          *Reader
	users      map[int64]*UserBasic
	projects   map[int64]ferry.Project
	milestones map[int64]map[string]int64 // per project: title → id
}

func (r *Reader) lookups() *lookups {
	return &lookups{r: r, users: map[int64]*UserBasic{}, projects: map[int64]ferry.Project{},
		milestones: map[int64]map[string]int64{}}
}

// user is user id as UserBasic; nil for 0 or a user deleted since.
func (l *lookups) user(ctx context.Context, id int64) (*UserBasic, error) {
	if id == 0 {
		return nil, nil
	}
	if u, ok := l.users[id]; ok {
		return u, nil
	}
	u, err := l.r.db.UserByID(ctx, id)
	if err != nil && !errors.Is(err, ferry.ErrNotFound) {
		return nil, fmt.Errorf("user %d: %w", id, err)
	}
	var ub *UserBasic
	if err == nil {
		v := NewUserBasic(l.r.base, u)
		ub = &v
	}
	l.users[id] = ub
	return ub, nil
}

// usersOf is ids as UserBasic, skipping users deleted since.
func (l *lookups) usersOf(ctx context.Context, ids []int64) ([]UserBasic, error) {
	out := []UserBasic{}
	for _, id := range ids {
		u, err := l.user(ctx, id)
		if err != nil {
			return nil, err
		}
		if u != nil {
			out = append(out, *u)
		}
	}
	return out, nil
}

func (l *lookups) project(ctx context.Context, id int64) (ferry.Project, error) {
	if p, ok := l.projects[id]; ok {
		return p, nil
	}
	p, err := l.r.db.ProjectByID(ctx, id)
	if err != nil {
		return p, fmt.Errorf("project %d: %w", id, err)
	}
	l.projects[id] = p
	return p, nil
}

// milestone is an issuable's milestone, with the id of p's milestone of
// its title.
func (l *lookups) milestone(ctx context.Context, p ferry.Project, m *milestoneRecord) (*Milestone, error) {
	if m == nil {
		return nil, nil
	}
	ids, ok := l.milestones[p.ID]
	if !ok {
		var err error
		if ids, err = l.r.milestoneIDs(ctx, p); err != nil {
			return nil, err
		}
		l.milestones[p.ID] = ids
	}
	e := l.r.milestone(p, m)
	if id, ok := ids[m.Title]; ok {
		e.ID = &id
	}
	return e, nil
}

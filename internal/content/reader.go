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
	milestones map[int64]map[string]Milestone // per project, by title
}

func (r *Reader) lookups() *lookups {
	return &lookups{r: r, users: map[int64]*UserBasic{}, projects: map[int64]ferry.Project{},
		milestones: map[int64]map[string]Milestone{}}
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

// people are an issuable's author, assignees and first assignee.
func (l *lookups) people(ctx context.Context, row store.Issuable) (*UserBasic, []UserBasic, *UserBasic, error) {
	author, err := l.user(ctx, row.AuthorID)
	if err != nil {
		return nil, nil, nil, err
	}
	assignees, err := l.usersOf(ctx, row.AssigneeIDs)
	if err != nil || len(assignees) == 0 {
		return author, assignees, nil, err
	}
	return author, assignees, &assignees[0], nil
}

// milestone is project p's milestone of title as an issuable shows it
// (nil for ""); the project's milestones are read once per answer.
func (l *lookups) milestone(ctx context.Context, p ferry.Project, title string) (*Milestone, error) {
	if title == "" {
		return nil, nil
	}
	byTitle, ok := l.milestones[p.ID]
	if !ok {
		var err error
		if byTitle, err = l.r.milestonesByTitle(ctx, p); err != nil {
			return nil, err
		}
		l.milestones[p.ID] = byTitle
	}
	m, ok := byTitle[title]
	if !ok {
		return nil, nil
	}
	return &m, nil
}

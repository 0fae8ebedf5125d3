package content

import (
	"context"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/store"
)

type snippetRecord struct {
	Title           string  `json:"title"`
	FileName        *string `json:"file_name"`
	Description     *string `json:"description"`
	VisibilityLevel int64   `json:"visibility_level"`
	AuthorID        int64   `json:"author_id"`
	CreatedAt       string  `json:"created_at"`
	UpdatedAt       string  `json:"updated_at"`
}

func (s *snippetRecord) visibility() string {
	switch s.VisibilityLevel {
	case 20:
		return ferry.Public
	case 10:
		return ferry.Internal
	}
	return ferry.Private
}

// seenBy reports whether v may see the snippet (GitLab's
// ProjectSnippetPolicy over a project v may read): a private one only by
// the project's members, an internal one by those signed in.
func (s *snippetRecord) seenBy(v Viewer) bool {
	return auth.CanRead(v.User, v.Level, s.visibility())
}

// Snippet is GitLab's Snippet entity (metadata only: Ferry keeps the
// snippet's repository bundle but does not serve it); its id is the
// stored record's row id.
type Snippet struct {
	ID          int64      `json:"id"`
	Title       string     `json:"title"`
	FileName    *string    `json:"file_name"`
	Description *string    `json:"description"`
	Visibility  string     `json:"visibility"`
	Author      *UserBasic `json:"author"`
	UpdatedAt   *string    `json:"updated_at"`
	CreatedAt   *string    `json:"created_at"`
	ProjectID   int64      `json:"project_id"`
	WebURL      string     `json:"web_url"`
}

// Snippets returns the page of project p's snippets v may see, in the
// archive's order, and their total.
func (r *Reader) Snippets(ctx context.Context, v Viewer, p ferry.Project, pg store.Page) ([]Snippet, int, error) {
	l := r.lookups()
	keep := func(s *snippetRecord) bool { return s.seenBy(v) }
	return streamPage(ctx, r, p, "snippets", pg, keep, func(id int64, s *snippetRecord) (Snippet, error) {
		return r.snippet(ctx, l, p, id, s)
	})
}

// Snippet returns project p's snippet id. Returns ferry.ErrNotFound if
// there is none or v may not see it.
func (r *Reader) Snippet(ctx context.Context, v Viewer, p ferry.Project, id int64) (Snippet, error) {
	l := r.lookups()
	return recordByRow(ctx, r, p, "snippets", id, func(row int64, s *snippetRecord) (Snippet, error) {
		if !s.seenBy(v) {
			return Snippet{}, ferry.ErrNotFound
		}
		return r.snippet(ctx, l, p, row, s)
	})
}

func (r *Reader) snippet(ctx context.Context, l *lookups, p ferry.Project, id int64, s *snippetRecord) (Snippet, error) {
	author, err := l.user(ctx, s.AuthorID)
	return Snippet{ID: id, Title: s.Title, FileName: s.FileName, Description: s.Description, Visibility: s.visibility(),
		Author: author, UpdatedAt: timeText(s.UpdatedAt), CreatedAt: timeText(s.CreatedAt), ProjectID: p.ID,
		WebURL: r.base + "/" + p.FullPath() + "/-/snippets/" + itoa(id)}, err
}

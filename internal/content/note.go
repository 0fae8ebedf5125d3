package content

import (
	"context"
	"fmt"

	"github.com/ferryhq/ferry"
)

// ErrNoNote and ErrNoDiscussion are the ferry.ErrNotFound of a note or
// discussion that the issuable has not, or that its reader may not see.
var (
	ErrNoNote       = fmt.Errorf("no such note: %w", ferry.ErrNotFound)
	ErrNoDiscussion = fmt.Errorf("no such discussion: %w", ferry.ErrNotFound)
)

// Note returns note id of p's issuable iid. Returns ferry.ErrNotFound if
// the issuable is not there for v, ErrNoNote if the note is not.
func (r *Reader) Note(ctx context.Context, v Viewer, p ferry.Project, kind string, iid, id int64) (Note, error) {
	t, err := r.thread(ctx, v, p, kind, iid)
	if err != nil {
		return Note{}, err
	}
	metas, err := t.metas()
	if err != nil {
		return Note{}, err
	}
	index := id - t.row.ID*NoteIDBase - 1
	for _, m := range metas {
		if int64(m.index) == index {
			notes, err := r.notesAt(ctx, t, []noteMeta{m})
			if err != nil {
				return Note{}, err
			}
			return notes[0], nil
		}
	}
	return Note{}, ErrNoNote
}

// Discussion returns discussion id of p's issuable iid with its notes.
// Returns ferry.ErrNotFound if the issuable is not there for v,
// ErrNoDiscussion if the discussion is not.
func (r *Reader) Discussion(ctx context.Context, v Viewer, p ferry.Project, kind string, iid int64, id string) (Discussion, error) {
	t, err := r.thread(ctx, v, p, kind, iid)
	if err != nil {
		return Discussion{}, err
	}
	metas, err := t.metas()
	if err != nil {
		return Discussion{}, err
	}
	var group []noteMeta
	for _, m := range sortedByCreation(metas) {
		if m.discussion == id {
			group = append(group, m)
		}
	}
	if len(group) == 0 {
		return Discussion{}, ErrNoDiscussion
	}
	notes, err := r.notesAt(ctx, t, group)
	return Discussion{ID: id, IndividualNote: group[0].individual, Notes: notes}, err
}

package content

import (
	"cmp"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/store"
)

// The notes on commits, one record each in the relation commit_notes.
// Their ids are their records' row ids times NoteIDBase (never the id of
// an issuable's note, which adds the note's place from 1).

// commitNotesRelation is the relation that holds notes on commits.
const commitNotesRelation = "commit_notes"

// commitNoteRecord is a note on a commit as the import stored it.
type commitNoteRecord struct {
	noteRecord
	Events []eventRecord `json:"events"`
}

// commitNote is one stored note on a commit and its record's row.
type commitNote struct {
	row int64
	rec *commitNoteRecord
}

func (n commitNote) id() int64 { return n.row * NoteIDBase }

// discussion is the note's discussion: the stored one, or one of its own.
func (n commitNote) discussion() string {
	if d := n.rec.DiscussionID; d != nil && *d != "" {
		return *d
	}
	sum := sha1.Sum(fmt.Appendf(nil, "ferry %s %d", commitNotesRelation, n.row))
	return hex.EncodeToString(sum[:])
}

// CommitNote is GitLab's CommitNote entity (lib/api/entities/commit_note.rb):
// where on the diff a diff note is (path, line and line_type; null for
// the others).
type CommitNote struct {
	Note      string     `json:"note"`
	Path      *string    `json:"path"`
	Line      *int64     `json:"line"`
	LineType  *string    `json:"line_type"`
	Author    *UserBasic `json:"author"`
	CreatedAt string     `json:"created_at"`
}

// commitNotes returns p's notes on commit sha (a full SHA) that v may
// see, oldest first (then by id), as GitLab orders a commit's notes.
// The caller checked that v may read p's code.
func (r *Reader) commitNotes(ctx context.Context, v Viewer, p ferry.Project, sha string) ([]commitNote, error) {
	var out []commitNote
	err := eachRecord(ctx, r, p, commitNotesRelation, func(row int64, rec *commitNoteRecord) (bool, error) {
		if rec.CommitID != nil && *rec.CommitID == sha && (!rec.internal() || auth.CanReadConfidential(v.User, v.Level)) {
			out = append(out, commitNote{row: row, rec: rec})
		}
		return false, nil
	})
	slices.SortStableFunc(out, func(a, b commitNote) int {
		return cmp.Or(compare(store.UTCText(a.rec.CreatedAt), store.UTCText(b.rec.CreatedAt)), cmp.Compare(a.row, b.row))
	})
	return out, err
}

// CommitComments returns the page of p's notes on commit sha (GET
// /projects/:id/repository/commits/:sha/comments) and their total.
func (r *Reader) CommitComments(ctx context.Context, v Viewer, p ferry.Project, sha string, pg store.Page) ([]CommitNote, int, error) {
	notes, err := r.commitNotes(ctx, v, p, sha)
	if err != nil {
		return nil, 0, err
	}
	l := r.lookups()
	out := []CommitNote{}
	for _, n := range window(notes, pg) {
		c := CommitNote{Note: n.rec.Note, CreatedAt: store.UTCText(n.rec.CreatedAt)}
		if c.Author, err = l.user(ctx, n.rec.AuthorID); err != nil {
			return nil, 0, err
		}
		if n.rec.Type != nil && *n.rec.Type == "DiffNote" {
			c.Path, c.Line, c.LineType = diffLine(n.rec.Position)
		}
		out = append(out, c)
	}
	return out, len(notes), nil
}

// diffLine is where a diff note's position is, as GitLab's Diff::Line
// shows it: the file's path (new, else old), the line (new, else old),
// its type ("new" only on the new side, "old" only on the old, null on
// both).
func diffLine(pos map[string]any) (path *string, line *int64, lineType *string) {
	text := func(key string) *string {
		if s, ok := pos[key].(string); ok && s != "" {
			return &s
		}
		return nil
	}
	number := func(key string) *int64 {
		if f, ok := pos[key].(float64); ok {
			n := int64(f)
			return &n
		}
		return nil
	}
	path = cmp.Or(text("new_path"), text("old_path"))
	newLine, oldLine := number("new_line"), number("old_line")
	line = cmp.Or(newLine, oldLine)
	switch {
	case newLine != nil && oldLine == nil:
		lineType = ptr("new")
	case oldLine != nil && newLine == nil:
		lineType = ptr("old")
	}
	return path, line, lineType
}

func ptr[T any](v T) *T { return &v }

// CommitDiscussions returns the page of the discussions of p's commit
// sha, in the order they started, each with its notes, and their total.
func (r *Reader) CommitDiscussions(ctx context.Context, v Viewer, p ferry.Project, sha string, pg store.Page) ([]Discussion, int, error) {
	notes, err := r.commitNotes(ctx, v, p, sha)
	if err != nil {
		return nil, 0, err
	}
	var order []string
	groups := map[string][]commitNote{}
	for _, n := range notes {
		d := n.discussion()
		if _, ok := groups[d]; !ok {
			order = append(order, d)
		}
		groups[d] = append(groups[d], n)
	}
	l := r.lookups()
	out := []Discussion{}
	for _, d := range window(order, pg) {
		e, err := r.commitDiscussion(ctx, l, p, d, groups[d])
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, len(order), nil
}

// CommitDiscussion returns discussion id of p's commit sha. Returns
// ErrNoDiscussion if there is none.
func (r *Reader) CommitDiscussion(ctx context.Context, v Viewer, p ferry.Project, sha, id string) (Discussion, error) {
	notes, err := r.commitNotes(ctx, v, p, sha)
	if err != nil {
		return Discussion{}, err
	}
	notes = slices.DeleteFunc(notes, func(n commitNote) bool { return n.discussion() != id })
	if len(notes) == 0 {
		return Discussion{}, ErrNoDiscussion
	}
	return r.commitDiscussion(ctx, r.lookups(), p, id, notes)
}

func (r *Reader) commitDiscussion(ctx context.Context, l *lookups, p ferry.Project, id string, notes []commitNote) (Discussion, error) {
	d := Discussion{ID: id, IndividualNote: notes[0].rec.Type == nil || *notes[0].rec.Type == "Note"}
	for _, n := range notes {
		e, err := noteEntity(ctx, l, p, n.id(), n.rec.noteRecord, "Commit")
		if err != nil {
			return d, err
		}
		d.Notes = append(d.Notes, e)
	}
	return d, nil
}

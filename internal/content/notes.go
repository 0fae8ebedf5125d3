package content

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/store"
)

// NoteIDBase spaces the made-up note ids: note i (from 0) of the issuable
// whose id is n has id n*NoteIDBase + i + 1.
const NoteIDBase = 1_000_000

// Note is GitLab's Note entity.
type Note struct {
	ID           int64      `json:"id"`
	Type         *string    `json:"type"`
	Body         string     `json:"body"`
	Attachment   *string    `json:"attachment"`
	Author       *UserBasic `json:"author"`
	CreatedAt    string     `json:"created_at"`
	UpdatedAt    string     `json:"updated_at"`
	System       bool       `json:"system"`
	NoteableID   *int64     `json:"noteable_id"` // null on a commit
	NoteableType string     `json:"noteable_type"`
	ProjectID    int64      `json:"project_id"`
	*DiffNote
	Resolvable bool `json:"resolvable"`
	*Resolution
	Confidential    bool     `json:"confidential"`
	Internal        bool     `json:"internal"`
	Imported        bool     `json:"imported"`
	ImportedFrom    string   `json:"imported_from"`
	NoteableIID     *int64   `json:"noteable_iid"`
	CommandsChanges struct{} `json:"commands_changes"`
}

// DiffNote is what a note on a diff adds: its position, and on a merge
// request its commit_id (a *string, shown even when null; nil, left out,
// on a commit).
type DiffNote struct {
	CommitID any            `json:"commit_id,omitempty"`
	Position map[string]any `json:"position"`
}

// Resolution is what a resolvable note adds.
type Resolution struct {
	Resolved   bool       `json:"resolved"`
	ResolvedBy *UserBasic `json:"resolved_by"`
	ResolvedAt *string    `json:"resolved_at"`
}

// Discussion is GitLab's Discussion entity.
type Discussion struct {
	ID             string `json:"id"`
	IndividualNote bool   `json:"individual_note"`
	Notes          []Note `json:"notes"`
}

// noteRecord is a note as the import stored it in its issuable's record.
type noteRecord struct {
	noteHead
	Note         string         `json:"note"`
	AuthorID     int64          `json:"author_id"`
	System       bool           `json:"system"`
	CommitID     *string        `json:"commit_id"`
	Position     map[string]any `json:"position"`
	ResolvedAt   string         `json:"resolved_at"`
	ResolvedByID int64          `json:"resolved_by_id"`
}

// noteHead is what ordering, grouping and access read of a stored note,
// decoded without its body and position.
type noteHead struct {
	Type         *string `json:"type"`
	CreatedAt    string  `json:"created_at"`
	UpdatedAt    string  `json:"updated_at"`
	Confidential *bool   `json:"confidential"`
	Internal     *bool   `json:"internal"`
	DiscussionID *string `json:"discussion_id"`
}

func (n noteHead) internal() bool {
	return n.Confidential != nil && *n.Confidential || n.Internal != nil && *n.Internal
}

// noteMeta is what ordering, grouping and access need of a note.
type noteMeta struct {
	index                int
	created, updated     string
	discussion           string
	individual, internal bool
}

// NoteOrder sorts notes: By created_at (default) or updated_at, Asc or
// not (the default is newest first, as GitLab).
type NoteOrder struct {
	By  string
	Asc bool
}

// thread is an issuable whose notes are read: its row, project and
// stored record.
type thread struct {
	row  store.Issuable
	p    ferry.Project
	data []byte
	seen func(noteMeta) bool
}

func (r *Reader) thread(ctx context.Context, v Viewer, p ferry.Project, kind string, iid int64) (*thread, error) {
	row, err := r.row(ctx, v, p, kind, iid)
	if err != nil {
		return nil, err
	}
	data, err := r.db.RelationRecordAt(ctx, p.ID, kind, row.Position)
	if err != nil {
		return nil, err
	}
	confidential := auth.CanReadConfidential(v.User, v.Level)
	return &thread{row: row, p: p, data: data, seen: func(m noteMeta) bool { return confidential || !m.internal }}, nil
}

// Notes returns the page of the notes of p's issuable iid (kind is
// store.IssueKind or store.MergeRequestKind) v may see, and their total.
// Returns ferry.ErrNotFound if there is no such issuable or v may not see
// it.
func (r *Reader) Notes(ctx context.Context, v Viewer, p ferry.Project, kind string, iid int64, o NoteOrder, pg store.Page) ([]Note, int, error) {
	t, err := r.thread(ctx, v, p, kind, iid)
	if err != nil {
		return nil, 0, err
	}
	metas, err := t.metas()
	if err != nil {
		return nil, 0, err
	}
	key := func(m noteMeta) string { return m.created }
	if o.By == "updated_at" {
		key = func(m noteMeta) string { return m.updated }
	}
	slices.SortStableFunc(metas, func(a, b noteMeta) int {
		c := compare(key(a), key(b))
		if c == 0 {
			c = a.index - b.index // GitLab's tie-break: the id
		}
		if !o.Asc {
			c = -c
		}
		return c
	})
	page := window(metas, pg)
	notes, err := r.notesAt(ctx, t, page)
	return notes, len(metas), err
}

// Discussions returns the page of discussions of p's issuable iid, in the
// order they started, each with its notes, and their total.
func (r *Reader) Discussions(ctx context.Context, v Viewer, p ferry.Project, kind string, iid int64, pg store.Page) ([]Discussion, int, error) {
	t, err := r.thread(ctx, v, p, kind, iid)
	if err != nil {
		return nil, 0, err
	}
	return r.discussions(ctx, t, pg)
}

// discussions returns the page of t's discussions and their total,
// reading t's notes once for the whole page.
func (r *Reader) discussions(ctx context.Context, t *thread, pg store.Page) ([]Discussion, int, error) {
	metas, err := t.metas()
	if err != nil {
		return nil, 0, err
	}
	metas = sortedByCreation(metas)
	var order []string
	groups := map[string][]noteMeta{}
	for _, m := range metas {
		if _, ok := groups[m.discussion]; !ok {
			order = append(order, m.discussion)
		}
		groups[m.discussion] = append(groups[m.discussion], m)
	}
	page := window(order, pg)
	var shown []noteMeta // the page's notes, discussion by discussion
	for _, d := range page {
		shown = append(shown, groups[d]...)
	}
	notes, err := r.notesAt(ctx, t, shown)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Discussion, 0, len(page))
	for _, d := range page {
		n := len(groups[d])
		out = append(out, Discussion{ID: d, IndividualNote: groups[d][0].individual, Notes: notes[:n:n]})
		notes = notes[n:]
	}
	return out, len(order), nil
}

// sortedByCreation sorts metas as a discussion shows its notes: oldest
// first.
func sortedByCreation(metas []noteMeta) []noteMeta {
	slices.SortStableFunc(metas, func(a, b noteMeta) int { return compare(a.created, b.created) })
	return metas
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func window[T any](items []T, pg store.Page) []T {
	from := min(pg.Offset(), len(items))
	return items[from:min(from+pg.Limit(), len(items))]
}

// metas reads what ordering needs of each note v may see.
func (t *thread) metas() ([]noteMeta, error) {
	var metas []noteMeta
	err := eachNote(t.data, func(i int, raw []byte) error {
		var n noteHead
		if err := json.Unmarshal(raw, &n); err != nil {
			return fmt.Errorf("note %d of %s %d: %w", i, t.row.Kind, t.row.IID, err)
		}
		m := noteMeta{index: i, created: store.UTCText(n.CreatedAt), updated: store.UTCText(n.UpdatedAt),
			discussion: t.discussionID(i, n), individual: n.Type == nil || *n.Type == "Note", internal: n.internal()}
		if t.seen(m) {
			metas = append(metas, m)
		}
		return nil
	})
	return metas, err
}

// discussionID is a note's discussion: the stored one, or one made up
// for a note that starts its own.
func (t *thread) discussionID(i int, n noteHead) string {
	if n.DiscussionID != nil && *n.DiscussionID != "" {
		return *n.DiscussionID
	}
	sum := sha1.Sum(fmt.Appendf(nil, "ferry %s %d note %d", t.row.Kind, t.row.ID, i))
	return hex.EncodeToString(sum[:])
}

// notesAt shows the notes of metas, in their order.
func (r *Reader) notesAt(ctx context.Context, t *thread, metas []noteMeta) ([]Note, error) {
	want := map[int]int{}
	for j, m := range metas {
		want[m.index] = j
	}
	out := make([]Note, len(metas))
	l := r.lookups()
	err := eachNote(t.data, func(i int, raw []byte) error {
		j, ok := want[i]
		if !ok {
			return nil
		}
		var n noteRecord
		if err := json.Unmarshal(raw, &n); err != nil {
			return err
		}
		note, err := r.note(ctx, l, t, i, n)
		out[j] = note
		return err
	})
	return out, err
}

func (r *Reader) note(ctx context.Context, l *lookups, t *thread, i int, n noteRecord) (Note, error) {
	noteable := map[string]string{store.IssueKind: "Issue", store.MergeRequestKind: "MergeRequest"}[t.row.Kind]
	e, err := noteEntity(ctx, l, t.p, t.row.ID*NoteIDBase+int64(i)+1, n, noteable)
	if err != nil {
		return e, err
	}
	e.NoteableID, e.NoteableIID = &t.row.ID, &t.row.IID
	if e.DiffNote != nil {
		e.DiffNote.CommitID = n.CommitID
	}
	// GitLab's Note#resolvable?: a discussion note of a merge request
	// that is no system note.
	e.Resolvable = noteable == "MergeRequest" && !n.System && n.Type != nil && *n.Type != "Note"
	if e.Resolvable {
		e.Resolution = &Resolution{Resolved: n.ResolvedAt != "", ResolvedAt: timeText(n.ResolvedAt)}
		if e.Resolution.ResolvedBy, err = l.user(ctx, n.ResolvedByID); err != nil {
			return e, err
		}
	}
	return e, nil
}

// noteEntity is what the Note entity shows of stored note n of project
// p, on a noteable of type noteable, whatever it is.
func noteEntity(ctx context.Context, l *lookups, p ferry.Project, id int64, n noteRecord, noteable string) (Note, error) {
	e := Note{ID: id, Type: n.Type, Body: n.Note, CreatedAt: store.UTCText(n.CreatedAt), UpdatedAt: store.UTCText(n.UpdatedAt),
		System: n.System, NoteableType: noteable, ProjectID: p.ID, Confidential: n.internal(), Internal: n.internal(),
		Imported: true, ImportedFrom: ImportedFrom}
	var err error
	e.Author, err = l.user(ctx, n.AuthorID)
	if n.Type != nil && *n.Type == "DiffNote" {
		e.DiffNote = &DiffNote{Position: n.Position}
	}
	return e, err
}

// eachNote calls fn with each note of an issuable record, in order,
// decoding one note at a time.
func eachNote(data []byte, fn func(i int, raw []byte) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		if key != "notes" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return err // null: no notes
		}
		for i := 0; dec.More(); i++ {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return err
			}
			if err := fn(i, raw); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}

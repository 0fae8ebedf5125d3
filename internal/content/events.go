package content

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/store"
)

// eventActions are Event's actions by their number in an archive.
var eventActions = []string{1: "created", 2: "updated", 3: "closed", 4: "reopened", 5: "pushed", 6: "commented",
	7: "merged", 8: "joined", 9: "left", 10: "destroyed", 11: "expired", 12: "approved"}

type eventRecord struct {
	Action    json.RawMessage `json:"action"` // a number, or the action's name
	AuthorID  int64           `json:"author_id"`
	CreatedAt string          `json:"created_at"`
}

func (e eventRecord) action() string {
	var n int
	if json.Unmarshal(e.Action, &n) == nil && n > 0 && n < len(eventActions) {
		return eventActions[n]
	}
	var s string
	_ = json.Unmarshal(e.Action, &s)
	return s
}

// Event is GitLab's Event entity of an imported event of an issue, a
// merge request, one of their notes, a milestone, or a note on a commit.
// Its id is its record's row id times NoteIDBase plus its place (from 1)
// among the record's events (its own, then its notes').
type Event struct {
	ID             int64      `json:"id"`
	ProjectID      int64      `json:"project_id"`
	ActionName     string     `json:"action_name"`
	TargetID       *int64     `json:"target_id"`
	TargetIID      *int64     `json:"target_iid"`
	TargetType     string     `json:"target_type"`
	AuthorID       *int64     `json:"author_id"`
	TargetTitle    *string    `json:"target_title"`
	CreatedAt      *string    `json:"created_at"`
	Note           *Note      `json:"note,omitempty"`
	Author         *UserBasic `json:"author,omitempty"`
	AuthorUsername *string    `json:"author_username"`
	// CommitID is the commit of a note on a commit, whose title is the
	// event's target_title (Note#title is its noteable's), from the
	// repository: left for the caller to fill in.
	CommitID string `json:"-"`
}

// EventFilter selects events (lib/api/events.rb): Action and TargetType
// ("" for any), Before and After dates (YYYY-MM-DD, exclusive), Sort asc
// or desc.
type EventFilter struct {
	Action, TargetType, Before, After, Sort string
}

func (f EventFilter) keeps(action, targetType, created string) bool {
	day := created[:min(len(created), 10)]
	return (f.Action == "" || action == f.Action) && (f.TargetType == "" || strings.EqualFold(targetType, strings.ReplaceAll(f.TargetType, "_", ""))) &&
		(f.Before == "" || day < f.Before) && (f.After == "" || day > f.After)
}

// eventSources are the relations whose records hold events, with the
// target type GitLab names them by.
var eventSources = []struct{ relation, targetType string }{
	{"milestones", "Milestone"}, {"issues", "Issue"}, {"merge_requests", "MergeRequest"},
}

type eventEntry struct {
	Event
	row    int64 // the target's record
	kind   string
	note   int               // the place of the target note (from 1), 0 for none
	commit *commitNoteRecord // the note on a commit, for commit_notes
}

// Events returns the page of project p's imported events f selects and
// their total, the newest first (by creation, then id). Events of issues
// v may not see are left out, and those of notes on commits unless v may
// read the code (Event#visible_to_user?: download_code).
func (r *Reader) Events(ctx context.Context, v Viewer, p ferry.Project, f EventFilter, pg store.Page) ([]Event, int, error) {
	var entries []eventEntry
	for _, src := range eventSources {
		err := eachRecord(ctx, r, p, src.relation, func(row int64, rec *eventOwner) (bool, error) {
			if rec.seenBy(v) {
				entries = append(entries, rec.entries(f, v, p, row, src.relation, src.targetType)...)
			}
			return false, nil
		})
		if err != nil {
			return nil, 0, err
		}
	}
	if auth.CanReadCode(v.User, v.Level, p.Visibility) {
		err := eachRecord(ctx, r, p, commitNotesRelation, func(row int64, rec *commitNoteRecord) (bool, error) {
			entries = append(entries, commitNoteEvents(f, v, p, row, rec)...)
			return false, nil
		})
		if err != nil {
			return nil, 0, err
		}
	}
	slices.SortStableFunc(entries, func(a, b eventEntry) int {
		c := strings.Compare(deref(a.CreatedAt), deref(b.CreatedAt))
		if c == 0 {
			c = int(a.ID - b.ID)
		}
		if f.Sort != "asc" {
			c = -c
		}
		return c
	})
	page, l := window(entries, pg), r.lookups()
	out := make([]Event, 0, len(page))
	for _, e := range page {
		if err := r.eventTarget(ctx, l, v, p, &e); err != nil && !errors.Is(err, ferry.ErrNotFound) {
			return nil, 0, err
		}
		author, err := l.user(ctx, deref64(e.AuthorID))
		if err != nil {
			return nil, 0, err
		}
		if author != nil {
			e.Author, e.AuthorUsername = author, &author.Username
		}
		out = append(out, e.Event)
	}
	return out, len(entries), nil
}

// eventOwner is what events need of the record that holds them.
type eventOwner struct {
	IID          int64         `json:"iid"`
	Title        string        `json:"title"`
	Confidential bool          `json:"confidential"`
	AuthorID     int64         `json:"author_id"`
	Events       []eventRecord `json:"events"`
	Notes        []struct {
		noteHead
		Events []eventRecord `json:"events"`
	} `json:"notes"`
}

// entries are the owner's events f selects and v may see: its own, then
// its notes' (not those of internal notes v may not read).
func (o *eventOwner) entries(f EventFilter, v Viewer, p ferry.Project, row int64, relation, targetType string) []eventEntry {
	var out []eventEntry
	place := int64(0)
	add := func(e eventRecord, targetType string, note int) {
		place++
		if !f.keeps(e.action(), targetType, store.UTCText(e.CreatedAt)) {
			return
		}
		iid, title := o.IID, o.Title
		out = append(out, eventEntry{row: row, kind: relation, note: note, Event: Event{
			ID: row*NoteIDBase + place, ProjectID: p.ID, ActionName: actionName(e.action()), TargetIID: &iid,
			TargetType: targetType, AuthorID: nonZero(e.AuthorID), TargetTitle: &title, CreatedAt: timeText(e.CreatedAt)}})
	}
	for _, e := range o.Events {
		add(e, targetType, 0)
	}
	for i, n := range o.Notes {
		if n.internal() && !auth.CanReadConfidential(v.User, v.Level) {
			continue
		}
		typ := "Note"
		if n.Type != nil && *n.Type != "" {
			typ = *n.Type
		}
		for _, e := range n.Events {
			add(e, typ, i+1)
		}
	}
	return out
}

// commitNoteEvents are the events of a note on a commit f selects and v
// may see: their target the note (the id of target_id and target_iid is
// made up as an issuable's note's is: null).
func commitNoteEvents(f EventFilter, v Viewer, p ferry.Project, row int64, rec *commitNoteRecord) []eventEntry {
	if rec.internal() && !auth.CanReadConfidential(v.User, v.Level) {
		return nil
	}
	typ := "Note"
	if rec.Type != nil && *rec.Type != "" {
		typ = *rec.Type
	}
	var out []eventEntry
	for i, e := range rec.Events {
		if !f.keeps(e.action(), typ, store.UTCText(e.CreatedAt)) {
			continue
		}
		out = append(out, eventEntry{row: row, kind: commitNotesRelation, commit: rec, Event: Event{
			ID: row*NoteIDBase + int64(i) + 1, ProjectID: p.ID, ActionName: actionName(e.action()), TargetType: typ,
			AuthorID: nonZero(e.AuthorID), CreatedAt: timeText(e.CreatedAt), CommitID: deref(rec.CommitID)}})
	}
	return out
}

// seenBy reports whether v may see the owner's events: those of a
// confidential issue only its Reporters and author (IssuePolicy; its
// assignees see them on the issue itself).
func (o *eventOwner) seenBy(v Viewer) bool {
	return !o.Confidential || auth.CanReadConfidential(v.User, v.Level) || v.User != nil && v.User.ID == o.AuthorID
}

// eventTarget fills in the target's id: a milestone's row id, an
// issuable's index id (left null, with ferry.ErrNotFound, for one v may
// not see as an assignee only of a confidential issue).
func (r *Reader) eventTarget(ctx context.Context, l *lookups, v Viewer, p ferry.Project, e *eventEntry) error {
	switch e.kind {
	case "milestones":
		e.TargetID = &e.row
		return nil
	case commitNotesRelation:
		n := commitNote{row: e.row, rec: e.commit}
		note, err := noteEntity(ctx, l, p, n.id(), n.rec.noteRecord, "Commit")
		e.Note, e.TargetID = &note, &note.ID
		return err
	}
	t, err := r.thread(ctx, v, p, e.kind, *e.TargetIID)
	if err != nil {
		return err
	}
	e.TargetID = &t.row.ID
	if e.note == 0 {
		return nil
	}
	notes, err := r.notesAt(ctx, t, []noteMeta{{index: e.note - 1}})
	if err != nil {
		return err
	}
	e.Note, e.TargetID = &notes[0], &notes[0].ID
	e.TargetIID = nil
	return nil
}

// actionName is Event#action_name.
func actionName(action string) string {
	switch action {
	case "pushed", "closed", "joined", "left", "destroyed", "approved":
		return action
	case "merged":
		return "accepted"
	case "expired":
		return "removed due to membership expiration from"
	case "commented":
		return "commented on"
	}
	return "opened"
}

func nonZero(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

func deref64(n *int64) int64 {
	if n == nil {
		return 0
	}
	return *n
}

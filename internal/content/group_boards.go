package content

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// ListIDBase makes a board list's id: lists are embedded in their board's
// record, so a list's id is its board's id times ListIDBase plus a number
// of its own (from 1). A list an archive brought has its place in the
// board's lists (or the id it keeps, when that is one of its board's); the
// first write to a board stores every list's id in it under "id", so that
// ids stay as they were shown, and a new list takes the number after the
// highest.
const ListIDBase = 1_000

// Board is GitLab's Board entity for a group's board (GitLab's
// Entities::Board with the group EE adds); project is null.
type Board struct {
	ID              int64       `json:"id"`
	Name            string      `json:"name"`
	HideBacklogList bool        `json:"hide_backlog_list"`
	HideClosedList  bool        `json:"hide_closed_list"`
	Project         any         `json:"project"`
	Lists           []BoardList `json:"lists"`
	Group           BoardGroup  `json:"group"`
}

// BoardGroup is GitLab's BasicGroupDetails.
type BoardGroup struct {
	ID     int64  `json:"id"`
	WebURL string `json:"web_url"`
	Name   string `json:"name"`
}

// BoardList is GitLab's List entity.
type BoardList struct {
	ID       int64       `json:"id"`
	Label    *LabelBasic `json:"label"`
	Position *int64      `json:"position"`
}

var (
	// ErrBoardLimit is a second board for a group: GitLab's free tier
	// (Boards::CreateService) makes a group's first board only.
	ErrBoardLimit = errors.New("the group has a board already")
	// ErrNoLabel is a list's label_id that is no label the board's group
	// sees.
	ErrNoLabel = errors.New("label not found")
	// ErrNoMove is a list position GitLab's Boards::Lists::MoveService
	// refuses (the same, or outside the board's label lists).
	ErrNoMove = errors.New("list could not be moved")
)

type boardRecord struct {
	Name            string            `json:"name"`
	HideBacklogList bool              `json:"hide_backlog_list"`
	HideClosedList  bool              `json:"hide_closed_list"`
	Lists           []json.RawMessage `json:"lists"`
}

// boardListRecord is one list embedded in a board record, every key kept.
type boardListRecord struct {
	ID       int64
	ListType string
	Position *int64
	Label    json.RawMessage
	fields   recordFields
}

// listTypes are GitLab's List list_type values, should an archive keep
// them as numbers.
var listTypes = map[string]string{"0": "backlog", "1": "label", "2": "closed", "3": "assignee", "4": "milestone", "5": "iteration"}

func parseLists(boardID int64, raw []json.RawMessage) ([]boardListRecord, error) {
	out := make([]boardListRecord, 0, len(raw))
	for _, r := range raw {
		f, err := parseFields(r)
		if err != nil {
			return nil, err
		}
		li := boardListRecord{fields: f, Label: f["label"]}
		var t any
		_ = json.Unmarshal(f["list_type"], &t)
		switch v := t.(type) {
		case string:
			li.ListType = v
		case float64:
			li.ListType = listTypes[itoa(int64(v))]
		}
		var pos *int64
		if json.Unmarshal(f["position"], &pos) == nil {
			li.Position = pos
		}
		out = append(out, li)
	}
	// Ids: the stored ones that are the board's, once each, then the
	// others by place (or the next free number).
	first, used := boardID*ListIDBase, map[int64]bool{}
	for i := range out {
		var id int64
		if json.Unmarshal(out[i].fields["id"], &id) == nil && id > first && id < first+ListIDBase && !used[id] {
			out[i].ID, used[id] = id, true
		}
	}
	next := first + 1
	for i := range out {
		if out[i].ID != 0 {
			continue
		}
		id := first + int64(i) + 1
		for used[id] {
			id, next = next, next+1
		}
		out[i].ID, used[id] = id, true
	}
	return out, nil
}

// nextListID is the id of a list added to lists: after the highest.
func nextListID(boardID int64, lists []boardListRecord) int64 {
	id := boardID * ListIDBase
	for _, li := range lists {
		id = max(id, li.ID)
	}
	return id + 1
}

func (li boardListRecord) encode() json.RawMessage {
	f := li.fields
	if f == nil {
		f = recordFields{}
	}
	if li.ID != 0 {
		f.set("id", li.ID)
	} else {
		delete(f, "id")
	}
	f.set("list_type", li.ListType)
	f.set("position", li.Position)
	if li.Label != nil {
		f["label"] = li.Label
	} else {
		delete(f, "label")
	}
	b, _ := json.Marshal(f)
	return b
}

// label is the title of the list's label ("" for none).
func (li boardListRecord) label() string {
	if li.Label == nil {
		return ""
	}
	var l labelRecord
	_ = json.Unmarshal(li.Label, &l)
	return l.Title
}

func encodeLists(lists []boardListRecord) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(lists))
	for _, li := range lists {
		out = append(out, li.encode())
	}
	return out
}

// renumber gives the label lists positions 0, 1, ... in their order.
func renumber(lists []boardListRecord) {
	order := labelListOrder(lists)
	for n, i := range order {
		p := int64(n)
		lists[i].Position = &p
	}
}

// labelListOrder is the places of lists' label lists by position (GitLab's
// destroyable lists, ordered), none last.
func labelListOrder(lists []boardListRecord) []int {
	var order []int
	for i, li := range lists {
		if li.ListType == "label" {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		pa, pb := lists[a].Position, lists[b].Position
		switch {
		case pa == nil && pb == nil:
			return 0
		case pa == nil:
			return 1
		case pb == nil:
			return -1
		}
		return int(*pa - *pb)
	})
	return order
}

// boardLabels are the labels the boards of a group show, by title: those
// of labelGroups (the group, then its ancestors), the nearest first.
func (r *Reader) boardLabels(ctx context.Context, q groupRows, labelGroups []int64) (map[string]LabelBasic, error) {
	all, err := groupRecords[labelRecord](ctx, q, "labels", labelGroups...)
	if err != nil {
		return nil, err
	}
	byTitle := map[string]LabelBasic{}
	for _, l := range all {
		if _, ok := byTitle[l.rec.Title]; !ok {
			byTitle[l.rec.Title] = l.rec.basic(l.id)
		}
	}
	return byTitle, nil
}

func (r *Reader) board(g ferry.Namespace, id int64, b *boardRecord, labels map[string]LabelBasic) (Board, error) {
	lists, err := parseLists(id, b.Lists)
	if err != nil {
		return Board{}, err
	}
	e := Board{ID: id, Name: b.Name, HideBacklogList: b.HideBacklogList, HideClosedList: b.HideClosedList,
		Lists: []BoardList{}, Group: BoardGroup{ID: g.ID, WebURL: r.base + "/groups/" + g.FullPath, Name: g.Name}}
	for _, i := range labelListOrder(lists) {
		e.Lists = append(e.Lists, boardList(lists[i], labels))
	}
	return e, nil
}

func boardList(li boardListRecord, labels map[string]LabelBasic) BoardList {
	e := BoardList{ID: li.ID, Position: li.Position}
	if li.Label != nil {
		if l, ok := labels[li.label()]; ok {
			e.Label = &l
		} else if rec, err := decode[labelRecord]("label", 0, li.Label); err == nil {
			basic := rec.basic(0)
			e.Label = &basic
		}
	}
	return e
}

// GroupBoards returns the page of group g's boards, in stored order, and
// their total; labelGroups are g and its ancestors, whose labels the
// boards' lists show.
func (r *Reader) GroupBoards(ctx context.Context, g ferry.Namespace, labelGroups []int64, pg store.Page) ([]Board, int, error) {
	all, err := groupRecords[boardRecord](ctx, r.db, "boards", g.ID)
	if err != nil {
		return nil, 0, err
	}
	labels, err := r.boardLabels(ctx, r.db, labelGroups)
	if err != nil {
		return nil, 0, err
	}
	out := []Board{}
	for _, b := range window(all, pg) {
		e, err := r.board(g, b.id, &b.rec, labels)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, len(all), nil
}

// GroupBoard returns board id of group g. Returns ferry.ErrNotFound if g
// has none.
func (r *Reader) GroupBoard(ctx context.Context, g ferry.Namespace, labelGroups []int64, id int64) (Board, error) {
	return r.groupBoard(ctx, r.db, g, labelGroups, id)
}

func (r *Reader) groupBoard(ctx context.Context, q interface {
	groupRows
	GroupRelationRecordByID(ctx context.Context, groupID int64, relation string, id int64) (int64, []byte, error)
}, g ferry.Namespace, labelGroups []int64, id int64) (Board, error) {
	_, data, err := q.GroupRelationRecordByID(ctx, g.ID, "boards", id)
	if err != nil {
		return Board{}, err
	}
	b, err := decode[boardRecord]("boards", id, data)
	if err != nil {
		return Board{}, err
	}
	labels, err := r.boardLabels(ctx, q, labelGroups)
	if err != nil {
		return Board{}, err
	}
	return r.board(g, id, b, labels)
}

// BoardInput is what creates or changes a board; a nil field is left as
// it is.
type BoardInput struct {
	Name                            *string
	HideBacklogList, HideClosedList *bool
}

// CreateGroupBoard adds a board to group g, with its backlog and closed
// lists, as Boards::CreateService does. Returns ErrBoardLimit if g has a
// board already, an *InvalidError for a blank name.
func (r *Reader) CreateGroupBoard(ctx context.Context, g ferry.Namespace, in BoardInput) (Board, error) {
	if deref(in.Name) == "" {
		return Board{}, &InvalidError{Fields: []FieldError{{"name", "can't be blank"}}}
	}
	var out Board
	err := r.groupTx(ctx, g.ID, func(tx *store.Tx) error {
		all, err := groupRecords[boardRecord](ctx, tx, "boards", g.ID)
		if err != nil {
			return err
		}
		if len(all) > 0 {
			return ErrBoardLimit
		}
		now := archiveNow()
		f := newFields(g.ID, now)
		f.set("name", *in.Name)
		f.set("milestone_id", nil)
		f.set("weight", nil)
		f.set("labels", []any{})
		f.set("hide_backlog_list", false)
		f.set("hide_closed_list", false)
		var lists []boardListRecord
		for _, t := range []string{"backlog", "closed"} {
			lf := recordFields{}
			lf.set("created_at", now)
			lf.set("updated_at", now)
			lists = append(lists, boardListRecord{ListType: t, fields: lf})
		}
		f.set("lists", encodeLists(lists))
		id, err := appendRecord(ctx, tx, g.ID, "boards", f)
		if err != nil {
			return err
		}
		out = Board{ID: id, Name: *in.Name, Lists: []BoardList{},
			Group: BoardGroup{ID: g.ID, WebURL: r.base + "/groups/" + g.FullPath, Name: g.Name}}
		return nil
	})
	return out, err
}

// UpdateGroupBoard changes board id of group g. Returns ferry.ErrNotFound
// if g has none.
func (r *Reader) UpdateGroupBoard(ctx context.Context, g ferry.Namespace, labelGroups []int64, id int64, in BoardInput) (Board, error) {
	var out Board
	err := r.groupTx(ctx, g.ID, func(tx *store.Tx) error {
		if in.Name != nil && *in.Name == "" {
			return &InvalidError{Fields: []FieldError{{"name", "can't be blank"}}}
		}
		if _, err := updateByID(ctx, tx, g.ID, "boards", id, func(f recordFields) error {
			if in.Name != nil {
				f.set("name", *in.Name)
			}
			if in.HideBacklogList != nil {
				f.set("hide_backlog_list", *in.HideBacklogList)
			}
			if in.HideClosedList != nil {
				f.set("hide_closed_list", *in.HideClosedList)
			}
			f.set("updated_at", archiveNow())
			return nil
		}); err != nil {
			return err
		}
		var err error
		out, err = r.groupBoard(ctx, tx, g, labelGroups, id)
		return err
	})
	return out, err
}

// DeleteGroupBoard removes board id of group g. Returns ferry.ErrNotFound
// if g has none.
func (r *Reader) DeleteGroupBoard(ctx context.Context, g ferry.Namespace, id int64) error {
	return r.groupTx(ctx, g.ID, func(tx *store.Tx) error { return deleteByID(ctx, tx, g.ID, "boards", id) })
}

// BoardLists returns the page of board id's label lists by position, and
// their total. Returns ferry.ErrNotFound if group g has no board id.
func (r *Reader) BoardLists(ctx context.Context, g ferry.Namespace, labelGroups []int64, id int64, pg store.Page) ([]BoardList, int, error) {
	b, err := r.GroupBoard(ctx, g, labelGroups, id)
	if err != nil {
		return nil, 0, err
	}
	return window(b.Lists, pg), len(b.Lists), nil
}

// ErrNoList is a list id a board does not have (GitLab's 404 Not found).
var ErrNoList = errors.New("no such list")

// BoardList returns list listID of board id. Returns ferry.ErrNotFound if
// group g has no board id, ErrNoList if the board has no such label list.
func (r *Reader) BoardList(ctx context.Context, g ferry.Namespace, labelGroups []int64, id, listID int64) (BoardList, error) {
	b, err := r.GroupBoard(ctx, g, labelGroups, id)
	if err != nil {
		return BoardList{}, err
	}
	for _, l := range b.Lists {
		if l.ID == listID {
			return l, nil
		}
	}
	return BoardList{}, ErrNoList
}

// changeLists rewrites the lists of board id of group g with fn, which
// returns the list to show.
func (r *Reader) changeLists(ctx context.Context, g ferry.Namespace, labelGroups []int64, id int64,
	fn func(tx *store.Tx, lists []boardListRecord, labels map[string]LabelBasic) ([]boardListRecord, int, error)) (BoardList, error) {
	var out BoardList
	err := r.groupTx(ctx, g.ID, func(tx *store.Tx) error {
		labels, err := r.boardLabels(ctx, tx, labelGroups)
		if err != nil {
			return err
		}
		_, err = updateByID(ctx, tx, g.ID, "boards", id, func(f recordFields) error {
			var b boardRecord
			if err := json.Unmarshal(f.bytes(), &b); err != nil {
				return err
			}
			lists, err := parseLists(id, b.Lists)
			if err != nil {
				return err
			}
			lists, shown, err := fn(tx, lists, labels)
			if err != nil {
				return err
			}
			if shown >= 0 {
				out = boardList(lists[shown], labels)
			}
			f.set("lists", encodeLists(lists))
			f.set("updated_at", archiveNow())
			return nil
		})
		return err
	})
	return out, err
}

// listPlace is the place in lists of the label list whose id is listID,
// or -1.
func listPlace(listID int64, lists []boardListRecord) int {
	for i, li := range lists {
		if li.ID == listID && li.ListType == "label" {
			return i
		}
	}
	return -1
}

// CreateBoardList adds a list of label labelID (one of labelGroups') to
// board id of group g, after its other label lists. Returns
// ferry.ErrNotFound if g has no board id, ErrNoLabel for a label not
// found, an *InvalidError for a label the board lists already.
func (r *Reader) CreateBoardList(ctx context.Context, g ferry.Namespace, labelGroups []int64, id, labelID int64) (BoardList, error) {
	return r.changeLists(ctx, g, labelGroups, id, func(tx *store.Tx, lists []boardListRecord, _ map[string]LabelBasic) ([]boardListRecord, int, error) {
		all, err := groupRecords[labelRecord](ctx, tx, "labels", labelGroups...)
		if err != nil {
			return nil, 0, err
		}
		i := slices.IndexFunc(all, func(l groupRecord[labelRecord]) bool { return l.id == labelID })
		if i < 0 {
			return nil, 0, ErrNoLabel
		}
		label := all[i]
		next := int64(0)
		for _, li := range lists {
			if li.ListType != "label" {
				continue
			}
			if li.label() == label.rec.Title {
				return nil, 0, &InvalidError{Fields: []FieldError{{"label_id", "has already been taken"}}}
			}
			if li.Position != nil && *li.Position >= next {
				next = *li.Position + 1
			}
		}
		now := archiveNow()
		lf := recordFields{}
		lf.set("created_at", now)
		lf.set("updated_at", now)
		lists = append(lists, boardListRecord{ID: nextListID(id, lists), ListType: "label", Position: &next, Label: label.raw, fields: lf})
		return lists, len(lists) - 1, nil
	})
}

// MoveBoardList moves list listID of board id to position among the
// board's label lists, as Boards::Lists::MoveService does. Returns
// ferry.ErrNotFound if g has no board id, ErrNoList for no such list,
// ErrNoMove for a position it refuses.
func (r *Reader) MoveBoardList(ctx context.Context, g ferry.Namespace, labelGroups []int64, id, listID, position int64) (BoardList, error) {
	return r.changeLists(ctx, g, labelGroups, id, func(_ *store.Tx, lists []boardListRecord, _ map[string]LabelBasic) ([]boardListRecord, int, error) {
		i := listPlace(listID, lists)
		if i < 0 {
			return nil, 0, ErrNoList
		}
		order := labelListOrder(lists)
		from := slices.Index(order, i)
		if position < 0 || position >= int64(len(order)) || lists[i].Position != nil && *lists[i].Position == position {
			return nil, 0, ErrNoMove
		}
		order = slices.Delete(order, from, from+1)
		order = slices.Insert(order, int(position), i)
		for n, place := range order {
			p := int64(n)
			lists[place].Position = &p
		}
		return lists, i, nil
	})
}

// DeleteBoardList removes list listID of board id; the label lists after
// it move up. Returns ferry.ErrNotFound if g has no board id, ErrNoList
// for no such list.
func (r *Reader) DeleteBoardList(ctx context.Context, g ferry.Namespace, labelGroups []int64, id, listID int64) error {
	_, err := r.changeLists(ctx, g, labelGroups, id, func(_ *store.Tx, lists []boardListRecord, _ map[string]LabelBasic) ([]boardListRecord, int, error) {
		i := listPlace(listID, lists)
		if i < 0 {
			return nil, 0, ErrNoList
		}
		lists = slices.Delete(lists, i, i+1)
		renumber(lists)
		return lists, -1, nil
	})
	return err
}

// rewriteBoardLists passes the lists of every board of groups to fn and
// stores those fn reports changed.
func rewriteBoardLists(ctx context.Context, tx *store.Tx, groups []int64,
	fn func(lists []boardListRecord) ([]boardListRecord, bool)) error {
	for _, g := range groups {
		if err := tx.LockNamespace(ctx, g); err != nil {
			return err
		}
		boards, err := groupRecords[boardRecord](ctx, tx, "boards", g)
		if err != nil {
			return err
		}
		for _, b := range boards {
			lists, err := parseLists(b.id, b.rec.Lists)
			if err != nil {
				return err
			}
			lists, changed := fn(lists)
			if !changed {
				continue
			}
			if _, err := updateByID(ctx, tx, g, "boards", b.id, func(f recordFields) error {
				f.set("lists", encodeLists(lists))
				return nil
			}); err != nil {
				return err
			}
		}
	}
	return nil
}

package content

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// GroupLabel is GitLab's GroupLabel entity (Entities::Label): LabelBasic,
// the counts with_counts asks for, and subscribed (Ferry keeps no
// subscriptions: false).
type GroupLabel struct {
	LabelBasic
	OpenIssuesCount        *int `json:"open_issues_count,omitempty"`
	ClosedIssuesCount      *int `json:"closed_issues_count,omitempty"`
	OpenMergeRequestsCount *int `json:"open_merge_requests_count,omitempty"`
	Subscribed             bool `json:"subscribed"`
}

// LabelSources are where a group's label list looks: groups (the group,
// with its readable ancestors and descendants as asked) and, when project
// labels are asked for too, projects.
type LabelSources struct {
	Groups   []int64
	Projects []int64
}

// LabelCounter counts the issues and merge requests that carry a label
// title (with_counts), nil when not asked.
type LabelCounter func(ctx context.Context, title string) (openIssues, closedIssues, openMRs int, err error)

// ErrLabelExists is a label title already available to the group
// (GitLab's 409 Label already exists).
var ErrLabelExists = errors.New("label already exists")

type sourcedLabel struct {
	id    int64
	owner int64 // the group or project holding it
	rec   labelRecord
	raw   []byte
}

func (r *Reader) sourcedLabels(ctx context.Context, q groupRows, src LabelSources) ([]sourcedLabel, error) {
	recs, err := groupRecords[labelRecord](ctx, q, "labels", src.Groups...)
	if err != nil {
		return nil, err
	}
	out := make([]sourcedLabel, 0, len(recs))
	for _, l := range recs {
		out = append(out, sourcedLabel{id: l.id, owner: l.groupID, rec: l.rec, raw: l.raw})
	}
	for _, p := range src.Projects {
		err := r.db.EachRelationRow(ctx, p, "labels", func(id int64, data []byte) error {
			l, err := decode[labelRecord]("labels", id, data)
			if err == nil {
				out = append(out, sourcedLabel{id: id, owner: p, rec: *l, raw: data})
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GroupLabels returns the page of the labels of src whose title or
// description holds search (any letter case), by title as GitLab's
// LabelsFinder orders them, and their total.
func (r *Reader) GroupLabels(ctx context.Context, src LabelSources, search string, count LabelCounter, pg store.Page) ([]GroupLabel, int, error) {
	all, err := r.sourcedLabels(ctx, r.db, src)
	if err != nil {
		return nil, 0, err
	}
	search = strings.ToLower(search)
	kept := all[:0]
	for _, l := range all {
		if search == "" || strings.Contains(strings.ToLower(l.rec.Title), search) ||
			strings.Contains(strings.ToLower(deref(l.rec.Description)), search) {
			kept = append(kept, l)
		}
	}
	slices.SortStableFunc(kept, func(a, b sourcedLabel) int { return strings.Compare(a.rec.Title, b.rec.Title) })
	page := window(kept, pg)
	out := make([]GroupLabel, 0, len(page))
	for _, l := range page {
		e := GroupLabel{LabelBasic: l.rec.basic(l.id)}
		if count != nil {
			oi, ci, om, err := count(ctx, l.rec.Title)
			if err != nil {
				return nil, 0, err
			}
			e.OpenIssuesCount, e.ClosedIssuesCount, e.OpenMergeRequestsCount = &oi, &ci, &om
		}
		out = append(out, e)
	}
	return out, len(kept), nil
}

// GroupLabel returns the label of src whose id, or else whose title, is
// ref (GitLab's find_label), with the group or project that holds it.
// Returns ferry.ErrNotFound if there is none.
func (r *Reader) GroupLabel(ctx context.Context, src LabelSources, ref string) (GroupLabel, int64, error) {
	all, err := r.sourcedLabels(ctx, r.db, src)
	if err != nil {
		return GroupLabel{}, 0, err
	}
	l, ok := findLabel(all, ref)
	if !ok {
		return GroupLabel{}, 0, ferry.ErrNotFound
	}
	return GroupLabel{LabelBasic: l.rec.basic(l.id)}, l.owner, nil
}

func findLabel(all []sourcedLabel, ref string) (sourcedLabel, bool) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		for _, l := range all {
			if l.id == id {
				return l, true
			}
		}
	}
	for _, l := range all {
		if l.rec.Title == ref {
			return l, true
		}
	}
	return sourcedLabel{}, false
}

// LabelInput is what creates or changes a label; a nil field is left as
// it is (for a new label: none).
type LabelInput struct {
	Title, Color, Description *string
}

// CreateGroupLabel adds a label to group g. available are the groups
// whose labels g sees (g and its ancestors): a title taken among them is
// ErrLabelExists. Returns an *InvalidError for a title or color GitLab's
// Label model refuses.
func (r *Reader) CreateGroupLabel(ctx context.Context, g ferry.Namespace, available []int64, in LabelInput) (GroupLabel, error) {
	var out GroupLabel
	err := r.groupTx(ctx, g.ID, func(tx *store.Tx) error {
		all, err := groupRecords[labelRecord](ctx, tx, "labels", available...)
		if err != nil {
			return err
		}
		for _, l := range all {
			if l.rec.Title == deref(in.Title) {
				return ErrLabelExists
			}
		}
		title, color := strings.TrimSpace(deref(in.Title)), labelColor(deref(in.Color))
		taken := slices.ContainsFunc(all, func(l groupRecord[labelRecord]) bool { return l.groupID == g.ID && l.rec.Title == title })
		if err := validateLabel(title, color, taken); err != nil {
			return err
		}
		f := newFields(g.ID, archiveNow())
		f.set("title", title)
		f.set("color", color)
		f.set("template", false)
		f.set("description", in.Description)
		f.set("type", "GroupLabel")
		f.set("priorities", []any{})
		id, err := appendRecord(ctx, tx, g.ID, "labels", f)
		if err != nil {
			return err
		}
		out = GroupLabel{LabelBasic: labelRecord{Title: title, Color: color, Description: in.Description}.basic(id)}
		return nil
	})
	return out, err
}

// UpdateGroupLabel changes label id of group g (one of g's own). boards
// are the groups whose boards may list it (g and its descendants): their
// lists follow the label. Returns ferry.ErrNotFound if g has no label id,
// an *InvalidError as CreateGroupLabel does or for a title g already has.
func (r *Reader) UpdateGroupLabel(ctx context.Context, g ferry.Namespace, id int64, in LabelInput, boards []int64) (GroupLabel, error) {
	var out GroupLabel
	err := r.groupTx(ctx, g.ID, func(tx *store.Tx) error {
		own, err := groupRecords[labelRecord](ctx, tx, "labels", g.ID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(own, func(l groupRecord[labelRecord]) bool { return l.id == id })
		if i < 0 {
			return ferry.ErrNotFound
		}
		old := own[i].rec
		next := old
		if in.Title != nil {
			next.Title = strings.TrimSpace(*in.Title)
		}
		if in.Color != nil {
			next.Color = labelColor(*in.Color)
		}
		if in.Description != nil {
			next.Description = in.Description
		}
		taken := next.Title != old.Title && slices.ContainsFunc(own, func(l groupRecord[labelRecord]) bool {
			return l.id != id && l.rec.Title == next.Title
		})
		if err := validateLabel(next.Title, next.Color, taken); err != nil {
			return err
		}
		raw, err := updateByID(ctx, tx, g.ID, "labels", id, func(f recordFields) error {
			f.set("title", next.Title)
			f.set("color", next.Color)
			f.set("description", next.Description)
			f.set("updated_at", archiveNow())
			return nil
		})
		if err != nil {
			return err
		}
		out = GroupLabel{LabelBasic: next.basic(id)}
		return rewriteBoardLists(ctx, tx, boards, func(lists []boardListRecord) ([]boardListRecord, bool) {
			changed := false
			for i := range lists {
				if lists[i].label() == old.Title {
					lists[i].Label, changed = raw, true
				}
			}
			return lists, changed
		})
	})
	return out, err
}

// DeleteGroupLabel removes label id of group g and the board lists of
// boards' groups that show it (GitLab's lists go with their label).
// Returns ferry.ErrNotFound if g has no label id.
func (r *Reader) DeleteGroupLabel(ctx context.Context, g ferry.Namespace, id int64, boards []int64) error {
	return r.groupTx(ctx, g.ID, func(tx *store.Tx) error {
		_, data, err := tx.GroupRelationRecordByID(ctx, g.ID, "labels", id)
		if err != nil {
			return err
		}
		l, err := decode[labelRecord]("labels", id, data)
		if err != nil {
			return err
		}
		if err := deleteByID(ctx, tx, g.ID, "labels", id); err != nil {
			return err
		}
		return rewriteBoardLists(ctx, tx, boards, func(lists []boardListRecord) ([]boardListRecord, bool) {
			kept := lists[:0]
			for _, li := range lists {
				if li.ListType != "label" || li.label() != l.Title {
					kept = append(kept, li)
				}
			}
			changed := len(kept) != len(lists)
			renumber(kept)
			return kept, changed
		})
	})
}

// validateLabel is GitLab's Label validations: a title present, without
// commas, of at most 255 characters, not taken; a color of 3 or 6
// hexadecimal digits after '#'.
func validateLabel(title, color string, taken bool) error {
	e := &InvalidError{}
	if title == "" {
		e.add("title", "can't be blank")
	}
	if !labelTitle.MatchString(title) {
		e.add("title", "is invalid")
	}
	if utf8.RuneCountInString(title) > 255 {
		e.add("title", "is too long (maximum is 255 characters)")
	}
	if taken {
		e.add("title", "has already been taken")
	}
	if color == "" {
		e.add("color", "can't be blank")
	}
	if !hexColor.MatchString(color) {
		e.add("color", "must be a valid color code")
	}
	return e.err()
}

var (
	labelTitle = regexp.MustCompile(`\A[^,]+\z`)
	hexColor   = regexp.MustCompile(`\A#(?:[0-9A-Fa-f]{3}){1,2}\z`)
)

// labelColor is a label color as GitLab's Labels::BaseService stores it:
// a CSS color name (any case, spaces around) as its hexadecimal code,
// anything else as given.
func labelColor(color string) string {
	name := strings.ToLower(strings.TrimSpace(color))
	if strings.HasPrefix(name, "#") {
		return color
	}
	if hex, ok := cssColors[name]; ok {
		return hex
	}
	return color
}

// cssColors are the CSS color names GitLab's Labels::BaseService knows.
var cssColors = map[string]string{
	"aliceblue": "#F0F8FF", "antiquewhite": "#FAEBD7", "aqua": "#00FFFF", "aquamarine": "#7FFFD4", "azure": "#F0FFFF",
	"beige": "#F5F5DC", "bisque": "#FFE4C4", "black": "#000000", "blanchedalmond": "#FFEBCD", "blue": "#0000FF",
	"blueviolet": "#8A2BE2", "brown": "#A52A2A", "burlywood": "#DEB887", "cadetblue": "#5F9EA0", "chartreuse": "#7FFF00",
	"chocolate": "#D2691E", "coral": "#FF7F50", "cornflowerblue": "#6495ED", "cornsilk": "#FFF8DC", "crimson": "#DC143C",
	"cyan": "#00FFFF", "darkblue": "#00008B", "darkcyan": "#008B8B", "darkgoldenrod": "#B8860B", "darkgray": "#A9A9A9",
	"darkgreen": "#006400", "darkgrey": "#A9A9A9", "darkkhaki": "#BDB76B", "darkmagenta": "#8B008B",
	"darkolivegreen": "#556B2F", "darkorange": "#FF8C00", "darkorchid": "#9932CC", "darkred": "#8B0000",
	"darksalmon": "#E9967A", "darkseagreen": "#8FBC8F", "darkslateblue": "#483D8B", "darkslategray": "#2F4F4F",
	"darkslategrey": "#2F4F4F", "darkturquoise": "#00CED1", "darkviolet": "#9400D3", "deeppink": "#FF1493",
	"deepskyblue": "#00BFFF", "dimgray": "#696969", "dimgrey": "#696969", "dodgerblue": "#1E90FF",
	"firebrick": "#B22222", "floralwhite": "#FFFAF0", "forestgreen": "#228B22", "fuchsia": "#FF00FF",
	"gainsboro": "#DCDCDC", "ghostwhite": "#F8F8FF", "gold": "#FFD700", "goldenrod": "#DAA520", "gray": "#808080",
	"green": "#008000", "greenyellow": "#ADFF2F", "grey": "#808080", "honeydew": "#F0FFF0", "hotpink": "#FF69B4",
	"indianred": "#CD5C5C", "indigo": "#4B0082", "ivory": "#FFFFF0", "khaki": "#F0E68C", "lavender": "#E6E6FA",
	"lavenderblush": "#FFF0F5", "lawngreen": "#7CFC00", "lemonchiffon": "#FFFACD", "lightblue": "#ADD8E6",
	"lightcoral": "#F08080", "lightcyan": "#E0FFFF", "lightgoldenrodyellow": "#FAFAD2", "lightgray": "#D3D3D3",
	"lightgreen": "#90EE90", "lightgrey": "#D3D3D3", "lightpink": "#FFB6C1", "lightsalmon": "#FFA07A",
	"lightseagreen": "#20B2AA", "lightskyblue": "#87CEFA", "lightslategray": "#778899", "lightslategrey": "#778899",
	"lightsteelblue": "#B0C4DE", "lightyellow": "#FFFFE0", "lime": "#00FF00", "limegreen": "#32CD32",
	"linen": "#FAF0E6", "magenta": "#FF00FF", "maroon": "#800000", "mediumaquamarine": "#66CDAA",
	"mediumblue": "#0000CD", "mediumorchid": "#BA55D3", "mediumpurple": "#9370DB", "mediumseagreen": "#3CB371",
	"mediumslateblue": "#7B68EE", "mediumspringgreen": "#00FA9A", "mediumturquoise": "#48D1CC",
	"mediumvioletred": "#C71585", "midnightblue": "#191970", "mintcream": "#F5FFFA", "mistyrose": "#FFE4E1",
	"moccasin": "#FFE4B5", "navajowhite": "#FFDEAD", "navy": "#000080", "oldlace": "#FDF5E6", "olive": "#808000",
	"olivedrab": "#6B8E23", "orange": "#FFA500", "orangered": "#FF4500", "orchid": "#DA70D6",
	"palegoldenrod": "#EEE8AA", "palegreen": "#98FB98", "paleturquoise": "#AFEEEE", "palevioletred": "#DB7093",
	"papayawhip": "#FFEFD5", "peachpuff": "#FFDAB9", "peru": "#CD853F", "pink": "#FFC0CB", "plum": "#DDA0DD",
	"powderblue": "#B0E0E6", "purple": "#800080", "rebeccapurple": "#663399", "red": "#FF0000",
	"rosybrown": "#BC8F8F", "royalblue": "#4169E1", "saddlebrown": "#8B4513", "salmon": "#FA8072",
	"sandybrown": "#F4A460", "seagreen": "#2E8B57", "seashell": "#FFF5EE", "sienna": "#A0522D", "silver": "#C0C0C0",
	"skyblue": "#87CEEB", "slateblue": "#6A5ACD", "slategray": "#708090", "slategrey": "#708090", "snow": "#FFFAFA",
	"springgreen": "#00FF7F", "steelblue": "#4682B4", "tan": "#D2B48C", "teal": "#008080", "thistle": "#D8BFD8",
	"tomato": "#FF6347", "turquoise": "#40E0D0", "violet": "#EE82EE", "wheat": "#F5DEB3", "white": "#FFFFFF",
	"whitesmoke": "#F5F5F5", "yellow": "#FFFF00", "yellowgreen": "#9ACD32",
}

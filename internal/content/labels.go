package content

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// LabelBasic is GitLab's LabelBasic entity. Its id is the stored
// record's row id; description_html is null (Ferry renders no Markdown).
type LabelBasic struct {
	ID              int64   `json:"id"`
	Name            string  `json:"name"`
	Color           string  `json:"color"`
	Description     *string `json:"description"`
	DescriptionHTML *string `json:"description_html"`
	TextColor       string  `json:"text_color"`
	RemoveOnClose   bool    `json:"remove_on_close"`
}

// Label is GitLab's ProjectLabel entity.
type Label struct {
	LabelBasic
	Subscribed     bool   `json:"subscribed"`
	Priority       *int64 `json:"priority"`
	IsProjectLabel bool   `json:"is_project_label"`
}

func (l labelRecord) basic(id int64) LabelBasic {
	return LabelBasic{ID: id, Name: l.Title, Color: l.Color, Description: l.Description, TextColor: textColor(l.Color),
		RemoveOnClose: l.RemoveOnClose}
}

type labelRecord struct {
	Title         string  `json:"title"`
	Color         string  `json:"color"`
	Description   *string `json:"description"`
	RemoveOnClose bool    `json:"remove_on_close"`
	Priorities    []struct {
		Priority int64 `json:"priority"`
	} `json:"priorities"`
}

// catalogEntry is what ordering and paging need of a label or milestone
// record; the page's records are decoded again.
type catalogEntry struct {
	id    int64
	key   string // what the list sorts on
	title string
}

// Labels returns the page of project p's labels whose title or
// description holds search (any letter case), by title, and their total.
func (r *Reader) Labels(ctx context.Context, p ferry.Project, search string, pg store.Page) ([]Label, int, error) {
	search = strings.ToLower(search)
	var entries []catalogEntry
	err := r.db.EachRelationRow(ctx, p.ID, "labels", func(id int64, data []byte) error {
		var l labelRecord
		if err := json.Unmarshal(data, &l); err != nil {
			return err
		}
		if search == "" || strings.Contains(strings.ToLower(l.Title+"\x00"+deref(l.Description)), search) {
			entries = append(entries, catalogEntry{id: id, key: l.Title, title: l.Title})
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	slices.SortStableFunc(entries, func(a, b catalogEntry) int { return strings.Compare(a.key, b.key) })
	page := window(entries, pg)
	out := make([]Label, 0, len(page))
	err = r.eachOf(ctx, p, "labels", page, func(id int64, data []byte) error {
		var l labelRecord
		if err := json.Unmarshal(data, &l); err != nil {
			return err
		}
		e := Label{LabelBasic: l.basic(id), IsProjectLabel: true}
		if len(l.Priorities) > 0 {
			e.Priority = &l.Priorities[0].Priority
		}
		out = append(out, e)
		return nil
	})
	return out, len(entries), err
}

// eachOf calls fn with the records of relation whose row ids page holds,
// in page's order, reading the relation once more up to the last of them.
func (r *Reader) eachOf(ctx context.Context, p ferry.Project, relation string, page []catalogEntry, fn func(id int64, data []byte) error) error {
	if len(page) == 0 {
		return nil
	}
	place := map[int64]int{}
	for i, e := range page {
		place[e.id] = i
	}
	found, left := make([][]byte, len(page)), len(page)
	err := r.db.EachRelationRow(ctx, p.ID, relation, func(id int64, data []byte) error {
		if i, ok := place[id]; ok {
			found[i], left = data, left-1
		}
		if left == 0 {
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		return err
	}
	for i, data := range found {
		if data == nil {
			continue
		}
		if err := fn(page[i].id, data); err != nil {
			return err
		}
	}
	return nil
}

// textColor is GitLab's Gitlab::Color#contrast of a label color: dark
// text on a light color (its red, green and blue sum over 500).
func textColor(color string) string {
	hex := strings.TrimPrefix(color, "#")
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	if len(hex) != 6 || !strings.HasPrefix(color, "#") {
		return "#FFFFFF"
	}
	sum := int64(0)
	for i := 0; i < 6; i += 2 {
		v, err := strconv.ParseInt(hex[i:i+2], 16, 64)
		if err != nil {
			return "#FFFFFF"
		}
		sum += v
	}
	if sum > 500 {
		return "#333333"
	}
	return "#FFFFFF"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// labelsByTitle is project p's labels by title (the first of a title).
func (r *Reader) labelsByTitle(ctx context.Context, p ferry.Project) (map[string]LabelBasic, error) {
	byTitle := map[string]LabelBasic{}
	err := r.db.EachRelationRow(ctx, p.ID, "labels", func(id int64, data []byte) error {
		var l labelRecord
		if err := json.Unmarshal(data, &l); err != nil {
			return err
		}
		if _, seen := byTitle[l.Title]; !seen {
			byTitle[l.Title] = l.basic(id)
		}
		return nil
	})
	return byTitle, err
}

// labelDetails shows the labels of items as LabelBasic, by title, as
// with_labels_details asks; labels is where an item's labels are and its
// project.
func labelDetails[T any](ctx context.Context, r *Reader, items []T, labels func(*T) (*any, int64)) error {
	byProject := map[int64]map[string]LabelBasic{}
	for i := range items {
		field, projectID := labels(&items[i])
		byTitle, ok := byProject[projectID]
		if !ok {
			var err error
			if byTitle, err = r.labelsByTitle(ctx, ferry.Project{ID: projectID}); err != nil {
				return err
			}
			byProject[projectID] = byTitle
		}
		titles, _ := (*field).([]string)
		details := []LabelBasic{}
		for _, t := range titles {
			if l, ok := byTitle[t]; ok {
				details = append(details, l)
			}
		}
		*field = details
	}
	return nil
}

// IssueLabelDetails shows the labels of issues as LabelBasic.
func (r *Reader) IssueLabelDetails(ctx context.Context, issues []Issue) error {
	return labelDetails(ctx, r, issues, func(e *Issue) (*any, int64) { return &e.Labels, e.ProjectID })
}

// MergeRequestLabelDetails shows the labels of merge requests as
// LabelBasic.
func (r *Reader) MergeRequestLabelDetails(ctx context.Context, mrs []MergeRequest) error {
	return labelDetails(ctx, r, mrs, func(e *MergeRequest) (*any, int64) { return &e.Labels, e.ProjectID })
}

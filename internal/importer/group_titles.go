package importer

import (
	"context"
	"encoding/json"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// groupTitles is GitLab's group ObjectBuilder for one group
// (lib/gitlab/import_export/group/object_builder.rb, relation_factory.rb
// EXISTING_OBJECT_RELATIONS): a label or milestone is found by its exact
// title in the group before one is created, so a title repeated in
// labels.ndjson or milestones.ndjson is stored once, and a board list's
// label that the group does not hold becomes a new group label (stored
// after the others). Only titles are kept in memory.
type groupTitles struct {
	labels, milestones map[string]bool
}

func newGroupTitles() *groupTitles {
	return &groupTitles{labels: map[string]bool{}, milestones: map[string]bool{}}
}

// seen reports whether the record just read (g.rec) is a label or
// milestone whose title the group already holds, and notes its title.
func (t *groupTitles) seen(rel string, r *record) bool {
	set := map[string]map[string]bool{"labels": t.labels, "milestones": t.milestones}[rel]
	if set == nil {
		return false
	}
	title := r.stringField("title")
	if title == "" {
		return false
	}
	if set[title] {
		return true
	}
	set[title] = true
	return false
}

// boardLabels stores the labels the group's boards' lists name that the
// group does not hold, as GitLab creates them, after the other labels.
func (g *groupRestore) boardLabels(ctx context.Context, ns ferry.Namespace) error {
	var missing []json.RawMessage
	err := g.w.DB.EachGroupRelationRecord(ctx, ns.ID, "boards", func(data []byte) error {
		var b struct {
			Lists []struct {
				Label json.RawMessage `json:"label"`
			} `json:"lists"`
		}
		if json.Unmarshal(data, &b) != nil {
			return nil
		}
		for _, l := range b.Lists {
			var label struct {
				Title string `json:"title"`
			}
			if len(l.Label) == 0 || json.Unmarshal(l.Label, &label) != nil || label.Title == "" || g.titles.labels[label.Title] {
				continue
			}
			g.titles.labels[label.Title] = true
			missing = append(missing, l.Label)
		}
		return nil
	})
	if err != nil || len(missing) == 0 {
		return err
	}
	return g.storeTx(ctx, func(tx *store.Tx) error {
		for _, label := range missing {
			if _, err := tx.AppendGroupRelationRecord(ctx, ns.ID, "labels", label); err != nil {
				return err
			}
			g.im.Stats["labels"]++
		}
		return nil
	})
}

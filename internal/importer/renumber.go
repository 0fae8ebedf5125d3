package importer

import (
	"context"
	"encoding/json"

	"github.com/ferryhq/ferry/internal/store"
)

// fixMilestoneIIDs gives the stored records the iids their milestones
// ended with. A milestone that a later project milestone took its iid
// from (GitLab's claim_iid) was stored, and maybe named by records already
// stored, with the iid it had before; so once every relation is stored, a
// pass over the milestones and the relations that nest them rewrites
// those records, a page at a time. Imports where no iid was taken back
// skip it.
func (r *restore) fixMilestoneIIDs(ctx context.Context) error {
	if !r.catalog.renumbered {
		return nil
	}
	if err := r.fixRelation(ctx, milestoneRef); err != nil {
		return err
	}
	for relation := range referenceSites {
		if err := r.fixRelation(ctx, relation); err != nil {
			return err
		}
	}
	return nil
}

func (r *restore) fixRelation(ctx context.Context, relation string) error {
	for from := int64(0); ; {
		page, err := r.w.DB.RelationRecordsFrom(ctx, r.project.ID, relation, from, BatchSize)
		if err != nil || len(page) == 0 {
			return err
		}
		var changed []store.RelationRecord
		for _, rec := range page {
			data, ok, err := r.catalog.fixIIDs(relation, rec.Data)
			if err != nil {
				return err
			}
			if ok {
				changed = append(changed, store.RelationRecord{Position: rec.Position, Data: data})
			}
		}
		err = r.w.DB.Tx(ctx, func(tx *store.Tx) error {
			for _, c := range changed {
				if err := tx.UpdateRelationRecord(ctx, r.project.ID, relation, c.Position, c.Data); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		from = page[len(page)-1].Position + 1
	}
}

// fixIIDs sets the iid of every milestone a stored record of relation
// names to the milestone's iid now, reporting whether any changed.
func (c *catalog) fixIIDs(relation string, data []byte) ([]byte, bool, error) {
	rec, err := decodeObject(data)
	if err != nil {
		return nil, false, err
	}
	changed := false
	_ = eachReference(relation, rec, func(kind string, ref map[string]any) error {
		title, _ := ref["title"].(string)
		if iid := c.iid(title); kind == milestoneRef && iid != 0 && intValue(ref["iid"]) != iid {
			ref["iid"], changed = iid, true
		}
		return nil
	})
	if !changed {
		return nil, false, nil
	}
	data, err = json.Marshal(rec)
	return data, true, err
}

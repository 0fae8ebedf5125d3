package importer

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// groupBatch is how many records go to the database per transaction.
const groupBatch = 100

// visibilityOf maps GitLab's visibility_level to Ferry's names.
var visibilityOf = map[int64]string{0: ferry.Private, 10: ferry.Internal, 20: ferry.Public}

// subGroupVisibility is TreeRestorer#sub_group_visibility_level: the
// archive's level (private when absent), but never more visible than the
// parent (then the parent's, the closest level allowed).
func subGroupVisibility(attrs map[string]json.RawMessage, parent ferry.Namespace) string {
	v, ok := visibilityOf[intAttr(attrs, "visibility_level")]
	if !ok {
		v = ferry.Private
	}
	if parent.ID != 0 && ferry.VisibilityRank(parent.Visibility) < ferry.VisibilityRank(v) {
		return parent.Visibility
	}
	return v
}

// restoreRoot restores the archive's first group into the imported one:
// its name and path stay those of the request (GitLab drops them from the
// attributes); its description and visibility come from the archive, the
// visibility never more than the parent's.
func (g *groupRestore) restoreRoot(ctx context.Context, src groupSource) error {
	attrs := src.Attributes()
	var parent ferry.Namespace
	if g.top.ParentID != 0 {
		p, err := g.w.DB.NamespaceByID(ctx, g.top.ParentID)
		if err != nil {
			return err
		}
		parent = p
	}
	g.top.Description, g.top.Visibility = strAttr(attrs, "description"), subGroupVisibility(attrs, parent)
	if err := g.w.DB.SetGroupDetails(ctx, g.top.ID, g.top.Description, g.top.Visibility); err != nil {
		return err
	}
	return g.restoreGroup(ctx, g.top, src)
}

// restoreChild creates a sub-group of the archive under parent, with the
// archive's name and path, the importer its Owner (Groups::CreateService),
// recorded in the import in the same transaction so that a new attempt
// removes it. A sub-group the archive does not allow is a *childError.
func (g *groupRestore) restoreChild(ctx context.Context, parent ferry.Namespace, src groupSource) (ferry.Namespace, error) {
	attrs := src.Attributes()
	child := ferry.Namespace{Name: strAttr(attrs, "name"), Path: strAttr(attrs, "path"), ParentID: parent.ID,
		Description: strAttr(attrs, "description"), Visibility: subGroupVisibility(attrs, parent)}
	if err := validateChild(child.Name, child.Path); err != nil {
		return child, &childError{err}
	}
	err := g.storeTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateGroup(ctx, &child); err != nil {
			return err
		}
		if err := tx.AddMember(ctx, &ferry.Member{SourceKind: ferry.MemberOfNamespace, SourceID: child.ID,
			User: g.user, AccessLevel: ferry.Owner}); err != nil {
			return err
		}
		g.im.CreatedGroups = append(g.im.CreatedGroups, child.ID)
		return tx.UpdateGroupImport(ctx, g.im)
	})
	var ve *ferry.ValidationError
	if errors.As(err, &ve) {
		g.im.CreatedGroups = slices.DeleteFunc(g.im.CreatedGroups, func(id int64) bool { return id == child.ID })
		return child, &childError{err}
	}
	if err != nil {
		return child, err
	}
	return child, g.restoreGroup(ctx, child, src)
}

// restoreGroup is GroupRestorer: the members first (the user map), then
// the relations, then the group's own attributes.
func (g *groupRestore) restoreGroup(ctx context.Context, ns ferry.Namespace, src groupSource) error {
	users, err := g.members(ctx, ns, src)
	if err != nil {
		return err
	}
	c := &cleaner{groupID: ns.ID, user: func(id int64) int64 {
		if local, ok := users[id]; ok {
			return local
		}
		return g.user.ID
	}}
	g.titles = newGroupTitles()
	for _, rel := range keptGroupRelations {
		if err := g.relation(ctx, ns, src, rel, c); err != nil {
			return err
		}
	}
	if err := g.attributes(ctx, ns, src.Attributes(), c); err != nil {
		return err
	}
	g.im.Stats["groups"]++
	return g.save(ctx)
}

// attributes stores the group's attributes without its columns and
// GitLab's excluded ones, cleaned as its records are.
func (g *groupRestore) attributes(ctx context.Context, ns ferry.Namespace, attrs map[string]json.RawMessage, c *cleaner) error {
	kept := map[string]json.RawMessage{}
	for k, v := range attrs {
		if !slices.Contains(groupColumns, k) && !slices.Contains(excludedGroupAttributes, k) {
			kept[k] = v
		}
	}
	data, err := json.Marshal(kept)
	if err != nil {
		return permanent(err)
	}
	if err := g.rec.reset(data); err != nil {
		return permanent(err)
	}
	return g.w.DB.SaveGroupAttributes(ctx, ns.ID, c.clean(&g.rec))
}

// relation stores one relation's records, cleaned, in batches.
func (g *groupRestore) relation(ctx context.Context, ns ferry.Namespace, src groupSource, rel string, c *cleaner) error {
	var (
		batch []string
		next  int64
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := g.storeTx(ctx, func(tx *store.Tx) error {
			return tx.InsertGroupRelationRecords(ctx, ns.ID, rel, next, batch)
		})
		next += int64(len(batch))
		g.im.Stats[rel] += int64(len(batch))
		batch = batch[:0]
		return err
	}
	err := g.readRecords(src, rel, func(line int, raw []byte) error {
		if err := g.rec.reset(raw); err != nil {
			var re *RecordError
			errors.As(err, &re)
			g.failure(ferry.GroupImportFailure{RelationName: rel, LineNumber: line, Source: "process_relation_item!",
				ExceptionClass: re.Class, ExceptionMessage: re.Message})
			return nil
		}
		if g.titles.seen(rel, &g.rec) {
			return nil
		}
		if batch = append(batch, c.clean(&g.rec)); len(batch) == groupBatch {
			return flush()
		}
		return nil
	})
	g.rec.release()
	if err == nil {
		err = flush()
	}
	if err != nil || rel != "boards" {
		return err
	}
	return g.boardLabels(ctx, ns)
}

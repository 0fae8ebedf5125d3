package exporter

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/store"
)

// groupDefaults are the tree/groups/<id>.json attributes of a group made
// in GitLab (the column defaults of its namespaces table, FOSS), written
// for what neither Ferry nor an imported archive says. The attributes
// GitLab's exporter leaves out (owner_id, tokens, timestamps, ...) are
// dropped by archive.GroupExportTree's filter whatever their source.
var groupDefaults = map[string]any{
	"type": "Group", "avatar": map[string]any{"url": nil}, "membership_lock": false,
	"share_with_group_lock": false, "request_access_enabled": true, "ldap_sync_status": "ready",
	"ldap_sync_error": nil, "ldap_sync_last_update_at": nil, "ldap_sync_last_successful_update_at": nil,
	"ldap_sync_last_sync_at": nil, "lfs_enabled": nil, "shared_runners_minutes_limit": nil,
	"require_two_factor_authentication": false, "two_factor_grace_period": 48, "plan_id": nil,
	"project_creation_level": 2, "file_template_project_id": nil, "custom_project_templates_group_id": nil,
	"auto_devops_enabled": nil, "last_ci_minutes_notification_at": nil, "last_ci_minutes_usage_notification_level": nil,
	"subgroup_creation_level": 1, "emails_disabled": nil, "max_artifacts_size": nil, "mentions_disabled": nil,
	"default_branch_protection": nil, "shared_runners_enabled": true,
	"allow_descendants_override_disabled_shared_runners": false,
}

// groupAttributes is tree/groups/<id>.json: GitLab's defaults, the
// imported attributes over them, and the values Ferry holds now over
// those, with only the attributes GitLab's group exporter writes.
func (w *GroupWorker) groupAttributes(ctx context.Context, g ferry.Namespace) ([]byte, error) {
	stored, err := w.DB.GroupAttributes(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	attrs := map[string]any{}
	for k, v := range groupDefaults {
		attrs[k] = v
	}
	for k, v := range stored {
		attrs[k] = v
	}
	var parent any
	if g.ParentID != 0 {
		parent = g.ParentID
	}
	attrs["id"], attrs["name"], attrs["path"], attrs["description"] = g.ID, g.Name, g.Path, g.Description
	attrs["visibility_level"], attrs["parent_id"] = visibilityLevels[g.Visibility], parent
	b, err := json.Marshal(attrs)
	if err != nil {
		return nil, err
	}
	return archive.GroupExportTree.FilterAttributes(nil, b)
}

// groupSources gives the records of one group's relation files.
type groupSources struct {
	w          *GroupWorker
	g          ferry.Namespace
	labels     *labelIndex
	withEmails bool
	stored     map[string]bool
}

// defaultNamespaceSettings is namespace_settings as GitLab's
// NamespaceSetting starts, written for a group that has none stored.
const defaultNamespaceSettings = `{"prevent_sharing_groups_outside_hierarchy":false}`

// each emits the records of relation name, in order: the stored records
// of the group content relations with their API ids (the row ids), the
// group's direct members from Ferry's memberships, namespace_settings
// (stored, or GitLab's default), other relations as stored.
func (s groupSources) each(ctx context.Context, name string, emit func([]byte) error) error {
	db, id := s.w.DB, s.g.ID
	switch name {
	case "members":
		return s.members(ctx, emit)
	case "milestones", "badges", "labels":
		if !s.stored[name] {
			return nil
		}
		return db.EachGroupRelationRow(ctx, id, name, func(row int64, data []byte) error {
			return emit(s.owned(data, row))
		})
	case "boards":
		if !s.stored[name] {
			return nil
		}
		return db.EachGroupRelationRow(ctx, id, name, func(row int64, data []byte) error {
			return emit(s.board(s.owned(data, row), row))
		})
	case "namespace_settings":
		if !s.stored[name] {
			return emit([]byte(defaultNamespaceSettings))
		}
	}
	if !s.stored[name] {
		return nil
	}
	return db.EachGroupRelationRecord(ctx, id, name, emit)
}

// owned sets a content record's id (its row id, the id the API shows)
// and group_id.
func (s groupSources) owned(data []byte, row int64) []byte {
	data = set(data, "id", row)
	return set(data, "group_id", s.g.ID)
}

// board gives each list of a board its board_id (and embedded board), and
// each list's label the id of the group label of its title, in the group
// or its nearest ancestor, as GitLab's importer finds it.
func (s groupSources) board(data []byte, row int64) []byte {
	lists := gjson.GetBytes(data, "lists")
	if !lists.IsArray() {
		return data
	}
	for i, list := range lists.Array() {
		at := "lists." + strconv.Itoa(i) + "."
		data = set(data, at+"board_id", row)
		if list.Get("board").IsObject() {
			data = set(set(data, at+"board.id", row), at+"board.group_id", s.g.ID)
		}
		title := list.Get("label.title")
		if !title.Exists() {
			continue
		}
		if label, group, ok := s.labels.find(s.g.ID, title.String()); ok {
			data = set(set(set(data, at+"label_id", label), at+"label.id", label), at+"label.group_id", group)
		}
	}
	return data
}

// set is sjson.SetBytes, keeping data when it is not an object.
func set(data []byte, path string, value any) []byte {
	if out, err := sjson.SetBytes(data, path, value); err == nil {
		return out
	}
	return data
}

// labelIndex knows, for each group whose labels it read, the row id of
// each label title, and each group's parent: what a board list's label is
// resolved against. It holds titles and ids only.
type labelIndex struct {
	titles map[int64]map[string]int64
	parent map[int64]int64
}

func newLabelIndex() *labelIndex {
	return &labelIndex{titles: map[int64]map[string]int64{}, parent: map[int64]int64{}}
}

// add reads the labels of g and, when not read yet, of its ancestors.
func (x *labelIndex) add(ctx context.Context, db *store.DB, g ferry.Namespace) error {
	for {
		if _, ok := x.titles[g.ID]; ok {
			return nil
		}
		titles := map[string]int64{}
		err := db.EachGroupRelationRow(ctx, g.ID, "labels", func(row int64, data []byte) error {
			if t := gjson.GetBytes(data, "title"); t.Exists() {
				titles[t.String()] = row
			}
			return nil
		})
		if err != nil {
			return err
		}
		x.titles[g.ID], x.parent[g.ID] = titles, g.ParentID
		if g.ParentID == 0 {
			return nil
		}
		if g, err = db.NamespaceByID(ctx, g.ParentID); err != nil {
			return err
		}
	}
}

// find returns the label titled title of group id or its nearest
// ancestor, and the group that has it.
func (x *labelIndex) find(id int64, title string) (label, group int64, ok bool) {
	for ; id != 0; id = x.parent[id] {
		if label, ok := x.titles[id][title]; ok {
			return label, id, true
		}
	}
	return 0, 0, false
}

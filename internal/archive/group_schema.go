package archive

import "strconv"

// Names in a group export archive, as GitLab's group exporter writes them
// (Gitlab::ImportExport::Group::TreeSaver, lib/gitlab/import_export/group/
// tree_saver.rb): VERSION, GITLAB_VERSION and GITLAB_REVISION as in a
// project archive, then the tree of every group of the export.
const (
	GroupTreeDir = "tree/groups"
	// GroupsFile lists the ids of the groups in the archive, one a line:
	// the exported group first, then its descendants by depth.
	GroupsFile = "tree/groups/_all.ndjson"
)

// GroupFile is tree/groups/<id>.json, a group's own attributes.
func GroupFile(id int64) string {
	return GroupTreeDir + "/" + strconv.FormatInt(id, 10) + ".json"
}

// GroupRelationFile is tree/groups/<id>/<relation>.ndjson.
func GroupRelationFile(id int64, relation string) string {
	return GroupTreeDir + "/" + strconv.FormatInt(id, 10) + "/" + relation + ".ndjson"
}

// GroupSchemaSource is the GitLab file (and commit) the group schema below
// follows: its FOSS part (GitLab CE's exporter; the ee section, epics,
// iterations and epic boards, is not Ferry's), as of GitLab 17.x/18.x.
const GroupSchemaSource = "gitlabhq/gitlabhq lib/gitlab/import_export/group/import_export.yml@017a6c129d6a9e4ad9fec792cd84f88641d7dbfe"

// groupTree is tree.group of GroupSchemaSource, in its order.
var groupTree = schemaNode{"group", []schemaNode{
	{"milestones", nil},
	{"badges", nil},
	{"labels", nil},
	{"boards", []schemaNode{
		{"lists", []schemaNode{
			{"label", nil},
			{"board", nil},
		}},
	}},
	{"members", []schemaNode{
		{"user", nil},
	}},
	{"namespace_settings", nil},
	{"user_contributions", nil},
}}

// groupAttributes are the attribute lists of GroupSchemaSource for the
// relations of groupTree (included_attributes as only, excluded_attributes
// as except, methods).
var groupAttributes = map[string]schemaLists{
	"group": {except: []string{"owner_id", "created_at", "updated_at", "runners_token", "runners_token_encrypted",
		"saml_discovery_token", "trial_ends_on", "shared_runners_minute_limit", "extra_shared_runners_minutes_limit",
		"repository_size_limit", "max_pages_size"}},
	"user":               {only: []string{"id", "public_email", "username"}},
	"user_contributions": {only: []string{"public_email", "username", "name"}},
	"namespace_settings": {only: []string{"prevent_sharing_groups_outside_hierarchy"}},
	"labels":             {methods: []string{"type"}},
	"label":              {methods: []string{"type"}},
	"badges":             {methods: []string{"type"}},
	"lists":              {methods: []string{"list_type"}},
}

// GroupExportTree is the root of GitLab's group export tree, a group: its
// attributes are tree/groups/<id>.json, and each child is one
// tree/groups/<id>/<name>.ndjson file, in the order GitLab writes them.
var GroupExportTree = newRelation(groupTree, groupAttributes)

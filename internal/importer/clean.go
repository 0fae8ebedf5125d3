package importer

import (
	"strconv"
	"strings"
)

// MaxDepth bounds how deeply a record's JSON may nest.
const MaxDepth = 64

// allowedReferences are the *_id keys GitLab's AttributeCleaner keeps:
// project references (rewritten on restore) and user references (mapped
// to local users).
var allowedReferences = map[string]bool{
	"project_id": true, "source_project_id": true, "target_project_id": true, "group_id": true, "commit_id": true,
	"author_id": true, "user_id": true, "assignee_id": true, "updated_by_id": true, "last_edited_by_id": true,
	"merge_user_id": true, "resolved_by_id": true, "closed_by_id": true, "owner_id": true, "created_by_id": true,
	"merged_by_id": true, "latest_closed_by_id": true, "discussion_id": true, "external_id": true,
}

// secretKeys are reset on import, as GitLab resets tokens and nulls
// encrypted attributes.
func secretKey(k string) bool {
	return k == "token" || strings.HasSuffix(k, "_token") || strings.HasPrefix(k, "encrypted_") ||
		strings.HasSuffix(k, "_token_encrypted") || k == "password" || strings.HasSuffix(k, "_password")
}

// dropped reports whether AttributeCleaner removes key: ids, foreign keys
// and id lists, rendered HTML and the markdown cache.
func dropped(k string) bool {
	switch {
	case k == "id", k == "cached_markdown_version", strings.HasSuffix(k, "_html"), strings.HasSuffix(k, "_ids"):
		return true
	case strings.HasSuffix(k, "_id"):
		return !allowedReferences[k]
	}
	return secretKey(k)
}

// userReferences are the attributes that name a user: they are mapped to
// local users (see users.go).
var userReferences = map[string]bool{
	"author_id": true, "user_id": true, "assignee_id": true, "updated_by_id": true, "last_edited_by_id": true,
	"merge_user_id": true, "resolved_by_id": true, "closed_by_id": true, "owner_id": true, "created_by_id": true,
	"merged_by_id": true, "latest_closed_by_id": true,
}

// cleaner rewrites records as GitLab's AttributeCleaner leaves them: ids,
// foreign keys, secrets and rendered HTML dropped, project references
// pointing at the new project, user references mapped to local users.
type cleaner struct {
	projectID int64
	// groupID, when set, cleans a group's record instead: group_id
	// points at the group, project_id is kept as it is (GitLab's group
	// RelationFactory).
	groupID int64
	// user maps an archive user id (0 when the value is not one) to a
	// local user.
	user func(id int64) int64
}

// clean writes the cleaned record (see record.reset) as a string: the
// JSON that decoding it into a map, cleaning the map and encoding it
// again gives, built in one piece of about the record's size.
func (c *cleaner) clean(r *record) string {
	var out strings.Builder
	out.Grow(len(r.in))
	r.writeObject(&out, c, r.top[0], r.top[1], true)
	return out.String()
}

// writeObject writes the members[from:to] of an object. When clean is
// set, members are cleaned: source_project_id becomes the project when it
// equals target_project_id (a merge request within the project).
func (r *record) writeObject(out *strings.Builder, c *cleaner, from, to int, clean bool) {
	sameProject := false
	if clean {
		src, hasSrc := r.lookup(from, to, "source_project_id")
		tgt, hasTgt := r.lookup(from, to, "target_project_id")
		sameProject = hasSrc && hasTgt && r.in[src] != 'n' && r.sameValue(src, tgt)
	}
	out.WriteByte('{')
	n := 0
	for j := from; j < to; j++ {
		m := r.members[j]
		key := r.key(m)
		if clean && dropped(string(key)) {
			continue
		}
		if n++; n > 1 {
			out.WriteByte(',')
		}
		writeString(out, key, false)
		out.WriteByte(':')
		switch k := string(key); {
		case !clean:
			r.write(out, nil, int(m.val), false)
		case c.groupID != 0 && k == "group_id" && r.in[m.val] != 'n':
			out.WriteString(strconv.FormatInt(c.groupID, 10))
		case c.groupID != 0 && (k == "group_id" || k == "project_id"):
			r.write(out, c, int(m.val), true)
		case k == "project_id" || k == "target_project_id" || k == "source_project_id" && sameProject:
			out.WriteString(strconv.FormatInt(c.projectID, 10))
		case userReferences[k] && r.in[m.val] == 'n':
			out.WriteString("null")
		case userReferences[k]:
			out.WriteString(strconv.FormatInt(c.user(r.intAt(int(m.val))), 10))
		default:
			r.write(out, c, int(m.val), true)
		}
	}
	out.WriteByte('}')
}

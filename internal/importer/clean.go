package importer

import (
	"encoding/json"
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

func cleanValue(v any, projectID int64, users func(any) any) {
	switch t := v.(type) {
	case map[string]any:
		src, hasSrc := t["source_project_id"]
		tgt, hasTgt := t["target_project_id"]
		if hasSrc && hasTgt && src != nil && fmtValue(src) == fmtValue(tgt) {
			t["source_project_id"] = projectID // a merge request within the project
		}
		for k, child := range t {
			if dropped(k) {
				delete(t, k)
				continue
			}
			if k == "project_id" || k == "target_project_id" {
				t[k] = projectID
				continue
			}
			if userReferences[k] && users != nil {
				t[k] = users(child)
				continue
			}
			cleanValue(child, projectID, users)
		}
	case []any:
		for _, child := range t {
			cleanValue(child, projectID, users)
		}
	}
}

func depth(v any, d int) int {
	if d > MaxDepth {
		return d
	}
	deepest := d
	switch t := v.(type) {
	case map[string]any:
		for _, child := range t {
			deepest = max(deepest, depth(child, d+1))
		}
	case []any:
		for _, child := range t {
			deepest = max(deepest, depth(child, d+1))
		}
	}
	return deepest
}

func fmtValue(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

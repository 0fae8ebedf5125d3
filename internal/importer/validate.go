package importer

import (
	"encoding/json"
	"errors"
	"strings"
)

var errTooDeep = errors.New("JSON nested too deeply")

// RecordError is why one record could not be restored; it becomes a
// failed relation and the import goes on.
type RecordError struct {
	Class   string
	Message string
}

func (e *RecordError) Error() string { return e.Class + ": " + e.Message }

// requiredStrings are the attributes without which GitLab cannot save a
// record of a relation.
var requiredStrings = map[string][]string{
	"labels":             {"title"},
	"milestones":         {"title"},
	"issues":             {"title"},
	"merge_requests":     {"title", "source_branch", "target_branch"},
	"releases":           {"tag"},
	"snippets":           {"title"},
	"protected_branches": {"name"},
	"protected_tags":     {"name"},
}

// validate checks a cleaned record of relation as GitLab's models would,
// returning a *RecordError for one GitLab could not save.
func validate(relation string, rec map[string]any) error {
	var missing []string
	for _, attr := range requiredStrings[relation] {
		if s, ok := rec[attr].(string); !ok || strings.TrimSpace(s) == "" {
			missing = append(missing, humanize(attr)+" can't be blank")
		}
	}
	if len(missing) > 0 {
		return &RecordError{Class: "ActiveRecord::RecordInvalid", Message: "Validation failed: " + strings.Join(missing, ", ")}
	}
	return nil
}

func humanize(attr string) string {
	s := strings.ReplaceAll(attr, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// decodeObject parses a record.
func decodeObject(raw json.RawMessage) (map[string]any, error) {
	var rec map[string]any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&rec); err != nil {
		return nil, err
	}
	return rec, nil
}

package importer

import (
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

// validate checks a record of relation as GitLab's models would,
// returning a *RecordError for one GitLab could not save.
func validate(relation string, rec *record) error {
	var missing []string
	for _, attr := range requiredStrings[relation] {
		if i, ok := rec.field(attr); !ok || rec.in[i] != '"' || blank(rec.in[i+1:stringEnd(rec.in, i)-1]) {
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

package ferry

import (
	"regexp"
	"strings"
)

var (
	pathFormat = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9]|[._-][a-zA-Z0-9])*$`)
	nameFormat = regexp.MustCompile(`^[\p{L}\p{N}_][\p{L}\p{N}\p{So}_. +()-]*$`)
	slugStrip  = regexp.MustCompile(`[^a-z0-9]+`)
)

// ReservedReason ends GitLab's message for a reserved path ("api is a
// reserved name").
const ReservedReason = "is a reserved name"

// MaxPathLength bounds names and paths, as GitLab's columns do.
const MaxPathLength = 255

// ValidatePath checks a group path (or a username: a top-level namespace
// too): format, length and, as GitLab, its reserved words (a top-level one
// may not take a top-level route, a subgroup a project or group route).
// Returns a *ValidationError on "path" wrapping ErrInvalid.
func ValidatePath(path string, topLevel bool) error {
	if topLevel {
		return validatePath(path, topLevelPath)
	}
	return validatePath(path, subgroupPath)
}

// ValidateProjectPath checks a project path: format, length and GitLab's
// reserved project words (tree, blob, raw, ...). Returns a
// *ValidationError on "path" wrapping ErrInvalid.
func ValidateProjectPath(path string) error {
	return validatePath(path, projectPath)
}

func validatePath(path string, kind pathKind) error {
	lower := strings.ToLower(path)
	switch {
	case path == "":
		return &ValidationError{Field: "path", Reason: "can't be blank"}
	case len(path) > MaxPathLength:
		return &ValidationError{Field: "path", Reason: "is too long (maximum is 255 characters)"}
	case !pathFormat.MatchString(path) || strings.HasSuffix(lower, ".git") || strings.HasSuffix(lower, ".atom"):
		return &ValidationError{Field: "path",
			Reason: "must not start or end with a special character and must not contain consecutive special characters."}
	case reservedPath(path, kind):
		return &ValidationError{Field: "path", Reason: path + " " + ReservedReason}
	}
	return nil
}

// ValidateName checks a group or project name. Returns a *ValidationError
// on "name" wrapping ErrInvalid.
func ValidateName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return &ValidationError{Field: "name", Reason: "can't be blank"}
	case len(name) > MaxPathLength:
		return &ValidationError{Field: "name", Reason: "is too long (maximum is 255 characters)"}
	case !nameFormat.MatchString(name):
		return &ValidationError{Field: "name", Reason: "can contain only letters, digits, emoji, '_', '.', '+', " +
			"dashes, or spaces. It must start with a letter, digit, emoji, or '_'."}
	}
	return nil
}

// PathFromName derives a path from a name when only the name is given:
// lowercase, with every run of other characters turned into one dash.
func PathFromName(name string) string {
	return strings.Trim(slugStrip.ReplaceAllString(strings.ToLower(name), "-"), "-")
}

// VisibilityRank orders visibility levels: private < internal < public.
func VisibilityRank(v string) int {
	switch v {
	case Public:
		return 20
	case Internal:
		return 10
	}
	return 0
}

// ValidBranchName reports whether name can be a branch, by git's
// check-ref-format rules.
func ValidBranchName(name string) bool {
	if name == "" || name == "@" || strings.HasPrefix(name, "-") || strings.HasPrefix(name, "/") ||
		strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".") || strings.HasSuffix(name, ".lock") ||
		strings.Contains(name, "..") || strings.Contains(name, "@{") || strings.Contains(name, "//") {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return false
		}
	}
	return !strings.ContainsFunc(name, func(r rune) bool {
		return r < 0x20 || r == 0x7f || strings.ContainsRune(" ~^:?*[\\", r)
	})
}

package api

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"github.com/ferryhq/ferry"
)

// protectedBranch is one rule of a project's protected branches: a name
// or a wildcard pattern ("release/*") and the access levels that may push
// and merge (0 is no one).
type protectedBranch struct {
	Name        string
	Push, Merge []int
}

// protection is the protected branches of a project.
type protection []protectedBranch

// protectionOf reads p's protected branches: those an import stored
// (protected_branches records; an unreadable record protects nothing),
// and its default branch protected for Maintainers when no rule names it,
// as GitLab's default branch protection does after a creation or import.
func (a *API) protectionOf(ctx context.Context, p ferry.Project) (protection, error) {
	rules, err := a.importedRules(ctx, p, "protected_branches")
	if err == nil && !rules.protects(p.DefaultBranch) {
		rules = append(rules, protectedBranch{Name: p.DefaultBranch, Push: []int{40}, Merge: []int{40}})
	}
	return rules, err
}

// importedRules reads the protected_branches or protected_tags records an
// import stored for p.
func (a *API) importedRules(ctx context.Context, p ferry.Project, relation string) (protection, error) {
	var rules protection
	err := a.db.EachRelationRecord(ctx, p.ID, relation, func(data []byte) error {
		var rec struct {
			Name  string         `json:"name"`
			Push  []accessRecord `json:"push_access_levels"`
			Merge []accessRecord `json:"merge_access_levels"`
		}
		if json.Unmarshal(data, &rec) == nil && rec.Name != "" {
			rules = append(rules, protectedBranch{Name: rec.Name, Push: levelsOf(rec.Push), Merge: levelsOf(rec.Merge)})
		}
		return nil
	})
	return rules, err
}

// accessRecord is one of a protected branch's push or merge access levels.
type accessRecord struct {
	AccessLevel *int `json:"access_level"`
}

func levelsOf(records []accessRecord) []int {
	var levels []int
	for _, r := range records {
		if r.AccessLevel != nil { // a user's or a group's access: not a role
			levels = append(levels, *r.AccessLevel)
		}
	}
	return levels
}

// matching is the rules that apply to branch name: GitLab's RefMatcher,
// where "*" in a rule matches any run of characters.
func (pr protection) matching(name string) protection {
	var out protection
	for _, rule := range pr {
		if rule.Name == name || strings.Contains(rule.Name, "*") && wildcard(rule.Name).MatchString(name) {
			out = append(out, rule)
		}
	}
	return out
}

// wildcard compiles a rule's pattern.
func wildcard(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`\A` + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, `.*?`) + `\z`)
}

// protects reports whether a rule applies to branch name.
func (pr protection) protects(name string) bool { return len(pr.matching(name)) > 0 }

// developersCan is GitLab's ProtectedBranch.developers_can?: a rule for
// name lets Developers push (or, with merge, merge).
func (pr protection) developersCan(name string, merge bool) bool {
	for _, rule := range pr.matching(name) {
		levels := rule.Push
		if merge {
			levels = rule.Merge
		}
		if slices.Contains(levels, int(ferry.Developer)) {
			return true
		}
	}
	return false
}

// canPush reports whether a member with level may push to branch name:
// Developers to an unprotected branch, otherwise a level some rule for it
// allows.
func (pr protection) canPush(name string, level ferry.AccessLevel) bool {
	rules := pr.matching(name)
	if len(rules) == 0 {
		return level >= ferry.Developer
	}
	for _, rule := range rules {
		for _, l := range rule.Push {
			if l > 0 && int(level) >= l {
				return true
			}
		}
	}
	return false
}

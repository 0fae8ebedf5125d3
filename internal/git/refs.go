package git

import (
	"context"
	"fmt"
	"strings"
)

// Ref is a branch or a tag.
type Ref struct {
	// Name is the short name ("main", "v1.0").
	Name string
	// Target is what the ref points at: a commit, or an annotated tag's
	// own object.
	Target string
	// Commit is the commit the ref leads to ("" for a tag of a tree or
	// a blob).
	Commit string
	// Message is an annotated tag's message ("" otherwise).
	Message string
}

// BranchRefs lists the branches of dir in order (a for-each-ref sort key
// such as "refname" or "-committerdate").
func BranchRefs(ctx context.Context, dir, order string) ([]Ref, error) {
	return refs(ctx, dir, "refs/heads/", "--sort="+order)
}

// TagRefs lists the tags of dir in order (a for-each-ref sort key such as
// "-creatordate" or "version:refname").
func TagRefs(ctx context.Context, dir, order string) ([]Ref, error) {
	return refs(ctx, dir, "refs/tags/", "--sort="+order)
}

// refs lists the refs under prefix.
func refs(ctx context.Context, dir, prefix, sort string) ([]Ref, error) {
	out, err := inRepo(ctx, dir, nil, nil, "for-each-ref", sort,
		"--format=%(refname)%00%(objectname)%00%(objecttype)%00%(*objectname)%00%(*objecttype)%00%(contents)%1e", prefix)
	if err != nil {
		return nil, fmt.Errorf("git for-each-ref in %s: %w", dir, err)
	}
	var list []Ref
	for rec := range strings.SplitSeq(out, "\x1e") {
		f := strings.SplitN(strings.TrimPrefix(rec, "\n"), "\x00", 6)
		if len(f) != 6 {
			continue
		}
		r := Ref{Name: strings.TrimPrefix(f[0], prefix), Target: f[1]}
		switch {
		case f[2] == "commit":
			r.Commit = f[1]
		case f[2] == "tag" && f[4] == "commit":
			r.Commit = f[3]
		}
		if f[2] == "tag" {
			r.Message = strings.TrimSuffix(f[5], "\n")
		}
		list = append(list, r)
	}
	return list, nil
}

// MergedInto returns the branches whose tips are reachable from branch
// but not at its tip, as GitLab's merged_branch_names counts them (none
// when branch does not exist).
func MergedInto(ctx context.Context, dir, branch string) (map[string]bool, error) {
	sha, err := resolveCommit(ctx, dir, "refs/heads/"+branch)
	if err != nil || sha == "" {
		return map[string]bool{}, err
	}
	out, err := inRepo(ctx, dir, nil, nil, "for-each-ref", "--merged="+sha, "--format=%(objectname) %(refname:strip=2)", "refs/heads/")
	if err != nil {
		return nil, fmt.Errorf("git for-each-ref in %s: %w", dir, err)
	}
	merged := map[string]bool{}
	for line := range strings.Lines(out) {
		if target, name, ok := strings.Cut(strings.TrimSuffix(line, "\n"), " "); ok && target != sha {
			merged[name] = true
		}
	}
	return merged, nil
}

// Head returns the commit HEAD points at or, when HEAD's branch does not
// exist (a wiki restored from a bundle with master), that of main, master
// or the first branch. Returns an error wrapping ErrNoRef when dir has no
// branch at all.
func Head(ctx context.Context, dir string) (string, error) {
	branches, err := Branches(ctx, dir)
	if err != nil {
		return "", err
	}
	for _, ref := range append([]string{"HEAD", "main", "master"}, branches...) {
		if sha, err := resolveCommit(ctx, dir, ref); err != nil || sha != "" {
			return sha, err
		}
	}
	return "", fmt.Errorf("head of %s: %w", dir, ErrNoRef)
}

// RefsContaining returns the short names of the branches (kind "branch")
// or tags ("tag") whose history holds commit sha, sorted by name.
func RefsContaining(ctx context.Context, dir, sha, kind string) ([]string, error) {
	prefix := map[string]string{"branch": "refs/heads/", "tag": "refs/tags/"}[kind]
	out, err := inRepo(ctx, dir, nil, nil, "for-each-ref", "--contains="+sha, "--sort=refname", "--format=%(refname)", prefix)
	if err != nil {
		return nil, fmt.Errorf("git for-each-ref in %s: %w", dir, err)
	}
	var names []string
	for line := range strings.Lines(out) {
		names = append(names, strings.TrimPrefix(strings.TrimSuffix(line, "\n"), prefix))
	}
	return names, nil
}

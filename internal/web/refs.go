package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/git"
)

// codeDir is the repository folder of r's project when the visitor may
// read its code (GitLab's download_code), else ferry.ErrNotFound.
func (s *Web) codeDir(r *request) (string, error) {
	if !auth.CanReadCode(r.user, r.level, r.project.Visibility) {
		return "", ferry.ErrNotFound
	}
	return s.repos.Dir(r.project.ID), nil
}

// codeAt is the repository folder of r's project and the ref and path
// r.rest names (see resolveRefPath), for visitors who may read its code.
func (s *Web) codeAt(r *request) (string, refPath, error) {
	dir, err := s.codeDir(r)
	if err != nil {
		return "", refPath{}, err
	}
	at, err := s.resolveRefPath(r, dir, r.rest)
	return dir, at, err
}

// refPath is a ref and a path inside it, as in /-/tree/<ref>/<path>.
type refPath struct {
	Ref, SHA, Path string
}

// resolveRefPath splits rest into a ref (which may hold slashes: the
// shortest prefix naming a commit wins) and a path, rest "" being the
// default branch's root. Returns an error wrapping git.ErrNoRef when no
// prefix names a commit.
func (s *Web) resolveRefPath(r *request, dir, rest string) (refPath, error) {
	if rest == "" {
		rest = r.project.DefaultBranch
	}
	segments := strings.Split(strings.Trim(rest, "/"), "/")
	for i := 1; i <= len(segments); i++ {
		ref := strings.Join(segments[:i], "/")
		sha, err := git.ResolveCommit(r.ctx(), dir, ref)
		if errors.Is(err, git.ErrNoRef) {
			continue
		}
		if err != nil {
			return refPath{}, err
		}
		return refPath{Ref: ref, SHA: sha, Path: strings.Join(segments[i:], "/")}, nil
	}
	return refPath{}, git.ErrNoRef
}

// refsView is the branches or tags page.
type refsView struct {
	Kind    string // "Branches" or "Tags"
	Default string
	Refs    []git.Ref
	Search  string
}

// branches is /<project>/-/branches (?search= filters by name).
func (s *Web) branches(w http.ResponseWriter, r *request) error {
	return s.refs(w, r, "Branches", func(dir string) ([]git.Ref, error) {
		return git.BranchRefs(r.ctx(), dir, "refname")
	})
}

// tags is /<project>/-/tags, newest first, and /<project>/-/tags/<tag>.
func (s *Web) tags(w http.ResponseWriter, r *request) error {
	return s.refs(w, r, "Tags", func(dir string) ([]git.Ref, error) {
		return git.TagRefs(r.ctx(), dir, "-creatordate")
	})
}

// maxRefs is how many branches or tags a page lists.
const maxRefs = 200

func (s *Web) refs(w http.ResponseWriter, r *request, kind string, list func(dir string) ([]git.Ref, error)) error {
	dir, err := s.codeDir(r)
	if err != nil {
		return err
	}
	switch {
	case r.rest != "" && kind == "Tags":
		return s.tag(w, r, dir)
	case r.rest != "":
		return ferry.ErrNotFound
	}
	refs, err := list(dir)
	if err != nil {
		return err
	}
	search := r.URL.Query().Get("search")
	v := refsView{Kind: kind, Default: r.project.DefaultBranch, Search: search}
	lower := strings.ToLower(search)
	for _, ref := range refs {
		if len(v.Refs) == maxRefs {
			break
		}
		if strings.Contains(strings.ToLower(ref.Name), lower) {
			v.Refs = append(v.Refs, ref)
		}
	}
	return s.render(w, r, "refs", v)
}

// tagView is one tag.
type tagView struct {
	Tag     git.Ref
	Release bool
}

// tag is /<project>/-/tags/<tag>: its commit and message, and its
// release if it has one (a release's tag_path).
func (s *Web) tag(w http.ResponseWriter, r *request, dir string) error {
	refs, err := git.TagRefs(r.ctx(), dir, "refname")
	if err != nil {
		return err
	}
	i := slices.IndexFunc(refs, func(ref git.Ref) bool { return ref.Name == r.rest })
	if i < 0 {
		return ferry.ErrNotFound
	}
	v := tagView{Tag: refs[i]}
	switch _, err := s.content.Release(r.ctx(), viewer(r), *r.project, r.rest); {
	case err == nil:
		v.Release = true
	case !errors.Is(err, ferry.ErrNotFound):
		return err
	}
	return s.render(w, r, "tag", v)
}

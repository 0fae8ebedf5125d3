package web

import (
	"errors"
	"net/http"
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

// tags is /<project>/-/tags, newest first.
func (s *Web) tags(w http.ResponseWriter, r *request) error {
	return s.refs(w, r, "Tags", func(dir string) ([]git.Ref, error) {
		return git.TagRefs(r.ctx(), dir, "-creatordate")
	})
}

// maxRefs is how many branches or tags a page lists.
const maxRefs = 200

func (s *Web) refs(w http.ResponseWriter, r *request, kind string, list func(dir string) ([]git.Ref, error)) error {
	if r.rest != "" {
		return ferry.ErrNotFound
	}
	dir, err := s.codeDir(r)
	if err != nil {
		return err
	}
	refs, err := list(dir)
	if err != nil {
		return err
	}
	search := r.URL.Query().Get("search")
	v := refsView{Kind: kind, Default: r.project.DefaultBranch, Search: search}
	for _, ref := range refs {
		if strings.Contains(strings.ToLower(ref.Name), strings.ToLower(search)) && len(v.Refs) < maxRefs {
			v.Refs = append(v.Refs, ref)
		}
	}
	return s.render(w, r, "refs", v)
}

package web

import (
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/git"
)

// crumb is one link of a path's breadcrumbs.
type crumb struct{ Name, Href string }

// crumbs links every folder of at under /-/tree/<ref>.
func crumbs(project, ref, at string) []crumb {
	out := []crumb{{Name: path.Base(project), Href: "/" + project + "/-/tree/" + ref}}
	if at == "" {
		return out
	}
	parts := strings.Split(at, "/")
	for i, name := range parts {
		out = append(out, crumb{Name: name, Href: "/" + project + "/-/tree/" + ref + "/" + strings.Join(parts[:i+1], "/")})
	}
	return out
}

// treeView is a folder of the file browser.
type treeView struct {
	refPath
	Crumbs  []crumb
	Entries []git.TreeEntry
	Parent  string // the parent folder's link, "" at the root
}

// tree is /<project>/-/tree/<ref>/<path>: a folder's entries.
func (s *Web) tree(w http.ResponseWriter, r *request) error {
	dir, at, err := s.codeAt(r)
	if err != nil {
		return err
	}
	entries, err := git.Tree(r.ctx(), dir, at.SHA, at.Path, false)
	if err != nil {
		return err
	}
	v := treeView{refPath: at, Crumbs: crumbs(r.project.FullPath(), at.Ref, at.Path), Entries: entries}
	if at.Path != "" {
		v.Parent = v.Crumbs[len(v.Crumbs)-2].Href
	}
	return s.render(w, r, "tree", v)
}

// blobView is a file's page.
type blobView struct {
	refPath
	Crumbs []crumb
	Size   int64
	// Lines is the text, one item per line; Binary or TooLarge say why
	// it is not shown.
	Lines            []string
	Binary, TooLarge bool
}

// maxBlobView is the largest file whose text the page shows.
const maxBlobView = 1 << 20

// blob is /<project>/-/blob/<ref>/<path>: one file, with line numbers.
func (s *Web) blob(w http.ResponseWriter, r *request) error {
	dir, at, b, err := s.fileAt(r)
	if err != nil {
		return err
	}
	v := blobView{refPath: at, Crumbs: crumbs(r.project.FullPath(), at.Ref, at.Path), Size: b.Size}
	text, ok, err := s.sizedBlobText(r, dir, b.ID, b.Size, maxBlobView)
	switch {
	case err != nil:
		return err
	case b.Size > maxBlobView:
		v.TooLarge = true
	case !ok:
		v.Binary = true
	default:
		v.Lines = strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	}
	return s.render(w, r, "blob", v)
}

// raw is /<project>/-/raw/<ref>/<path>: the file's bytes. Text is sent as
// text/plain, anything else (and files over maxBlobView) as a download,
// sandboxed and never sniffed: a repository's HTML must not run as a page
// of Ferry.
func (s *Web) raw(w http.ResponseWriter, r *request) error {
	dir, at, b, err := s.fileAt(r)
	if err != nil {
		return err
	}
	text, isText, err := s.sizedBlobText(r, dir, b.ID, b.Size, maxBlobView)
	if err != nil {
		return err
	}
	h := w.Header()
	disposition := "inline"
	h.Set("Content-Type", "text/plain; charset=utf-8")
	if !isText {
		disposition = "attachment"
		h.Set("Content-Type", "application/octet-stream")
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": path.Base(at.Path)}))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Content-Length", strconv.FormatInt(b.Size, 10))
	switch {
	case r.Method == http.MethodHead:
		return nil
	case isText:
		_, err = io.WriteString(w, text)
		return err
	}
	return git.StreamBlob(r.ctx(), dir, b.ID, w)
}

// fileAt finds the file of /-/blob and /-/raw paths: 404 when there is
// none.
func (s *Web) fileAt(r *request) (string, refPath, git.Blob, error) {
	dir, at, err := s.codeAt(r)
	if err != nil {
		return "", at, git.Blob{}, err
	}
	if at.Path == "" {
		return "", at, git.Blob{}, ferry.ErrNotFound
	}
	b, err := git.BlobAt(r.ctx(), dir, at.SHA, at.Path)
	return dir, at, b, err
}

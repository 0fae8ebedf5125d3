package web

import (
	"mime"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/git"
)

// archive is /<project>/-/archive/<ref>/<name>.<format>: the tree of ref
// as an archive (a release's sources), streamed from git archive as the
// API's repository/archive does, its folder and file named as GitLab's
// (<project>-<ref>).
func (s *Web) archive(w http.ResponseWriter, r *request) error {
	dir, err := s.codeDir(r)
	if err != nil {
		return err
	}
	slash := strings.LastIndex(r.rest, "/")
	if slash < 1 {
		return ferry.ErrNotFound
	}
	ref, file := r.rest[:slash], r.rest[slash+1:]
	format := archiveFormat(file)
	if format == "" {
		return ferry.ErrNotFound
	}
	sha, err := git.ResolveCommit(r.ctx(), dir, ref)
	if err != nil {
		return err
	}
	// The folder inside is GitLab's <project>-<ref>, whatever the
	// requested file is called (a name from the URL could climb out).
	name := r.project.Path + "-" + strings.ReplaceAll(ref, "/", "-")
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + format}))
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		return nil
	}
	if err := git.Archive(r.ctx(), dir, sha, format, name, "", w); err != nil {
		// The answer has started: all that is left is to log.
		s.logger.ErrorContext(r.ctx(), "stream archive", "path", r.URL.Path, "error", err)
	}
	return nil
}

// archiveFormat is the format git writes for an archive file's
// extension ("" when none is known): the longest known extension wins
// (.tar.gz over .gz).
func archiveFormat(file string) string {
	ext := ""
	for e := range git.ArchiveFormats {
		if strings.HasSuffix(file, "."+e) && len(e) > len(ext) && len(file) > len(e)+1 {
			ext = e
		}
	}
	return git.ArchiveFormats[ext]
}

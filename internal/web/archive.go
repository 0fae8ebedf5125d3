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
// API's repository/archive does, its folder named after the file.
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
	name, format := archiveFormat(file)
	if format == "" || name == "" {
		return ferry.ErrNotFound
	}
	sha, err := git.ResolveCommit(r.ctx(), dir, ref)
	if err != nil {
		return err
	}
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

// archiveFormat splits an archive's file name into its name and the
// format git writes for its extension ("" when none is known): the
// longest known extension wins (.tar.gz over .gz).
func archiveFormat(file string) (name, format string) {
	ext := ""
	for e := range git.ArchiveFormats {
		if strings.HasSuffix(file, "."+e) && len(e) > len(ext) {
			ext = e
		}
	}
	if ext == "" {
		return file, ""
	}
	return strings.TrimSuffix(file, "."+ext), git.ArchiveFormats[ext]
}

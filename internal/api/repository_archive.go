package api

import (
	"net/http"
	"strings"

	"github.com/ferryhq/ferry/internal/git"
)

// getArchive is GET /projects/:id/repository/archive[.format]: sha (a
// ref; the default branch by default), format (tar.gz by default; zip,
// tar, tar.bz2 and their aliases, named by their extension), path. The
// archive streams from git archive as it is written; its folder and file
// name are GitLab's <project>-<ref>-<sha>[-<path>].
func (a *API) getArchive(w http.ResponseWriter, r *request) error {
	format, ok := strings.CutPrefix(r.PathValue("archive"), "archive")
	if !ok || format != "" && !strings.HasPrefix(format, ".") {
		return notFound("")
	}
	format, inPath := strings.CutPrefix(format, ".")
	if !inPath {
		format, _ = r.params.str("format")
	}
	gitFormat, ok := git.ArchiveFormats[format]
	switch {
	case !ok && inPath: // the route's format requirement
		return notFound("")
	case !ok: // GitLab's archive_metadata: anything else is tar.gz
		gitFormat = "tar.gz"
	}
	p, _, dir, err := a.repository(r)
	if err != nil {
		return err
	}
	ref, _ := r.params.str("sha")
	if ref == "" {
		ref = p.DefaultBranch
	}
	sha, err := resolve(r, dir, ref, "File")
	if err != nil {
		return err
	}
	// GitLab's archive_prefix with append_sha: project, ref, SHA and path
	prefix := p.Path + "-" + strings.ReplaceAll(ref, "/", "-") + "-" + sha
	sub, _ := r.params.str("path")
	if sub != "" {
		prefix += "-" + strings.ReplaceAll(sub, "/", "-")
	}
	filename := strings.NewReplacer(`"`, "", `\`, "").Replace(prefix) + "." + gitFormat
	sw := &startWriter{w: w, start: func([]byte) {
		h := w.Header()
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Transfer-Encoding", "binary")
		h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	}}
	err = git.Archive(r.ctx(), dir, sha, gitFormat, prefix, sub, sw)
	if err != nil && !sw.started { // GitLab rescues any failure so
		a.logger.WarnContext(r.ctx(), "archive", "err", err)
		return notFound("File")
	}
	if err != nil {
		a.logger.ErrorContext(r.ctx(), "stream archive", "err", err)
	}
	return nil
}

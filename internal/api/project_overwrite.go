package api

import (
	"crypto/rand"
	"strings"
	"unicode/utf8"

	"github.com/ferryhq/ferry"
)

// overwritePath is overwriteProject for the project at fullPath, or
// ferry.ErrNotFound when no project is there. A concurrent overwrite
// that finishes meanwhile puts another project at the path, whose name
// the first check would have found taken: the checks run again against
// whatever holds the path now (a few times at most).
func (a *API) overwritePath(r *request, p ferry.Project, fullPath string, im *ferry.Import) (ferry.Project, error) {
	for try := 1; ; try++ {
		old, err := a.db.ProjectByFullPath(r.ctx(), fullPath)
		if err != nil {
			return p, err
		}
		replaced, err := a.overwriteProject(r, p, old, im)
		if err == nil || try == 3 {
			return replaced, err
		}
		if now, nerr := a.db.ProjectByFullPath(r.ctx(), fullPath); nerr == nil && now.ID == old.ID {
			return replaced, err // the path holds the same project: the clash is real
		}
	}
}

// overwriteProject builds the project of an import that replaces old. The
// requested name and path are checked now, as the project will bear them
// (only old may hold them), so that a clash answers GitLab's 400 at once
// rather than failing the import at its end. The new project waits at a
// temporary name and path, kept within GitLab's 255 characters, and takes
// the requested ones when the import succeeds.
func (a *API) overwriteProject(r *request, p, old ferry.Project, im *ferry.Import) (ferry.Project, error) {
	final := p
	final.ID = old.ID // old's name and path are free for the new project
	if err := a.validateProject(r, final); err != nil {
		return p, firstMessage(err)
	}
	suffix := "-" + strings.ToLower(rand.Text()[:8])
	im.OverwriteID, im.OriginalName, im.OriginalPath = old.ID, p.Name, old.Path
	p.Name = temporary(p.Name, suffix, "")
	p.Path = temporary(p.Path, suffix, "._-")
	if err := a.validateProject(r, p); err != nil {
		return p, firstMessage(err)
	}
	return p, nil
}

// temporary is s with suffix, s cut (at a character boundary, then of
// trailing cutset characters, which may not come before the suffix's
// dash) so that the whole fits ferry.MaxPathLength.
func temporary(s, suffix, cutset string) string {
	if len(s)+len(suffix) <= ferry.MaxPathLength {
		return s + suffix
	}
	s = s[:ferry.MaxPathLength-len(suffix)]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return strings.TrimRight(s, cutset) + suffix
}

package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
)

// splitPagePath splits a web path into the full path of a project or
// namespace and, after "/-/", the page's segment and the rest:
// "/g/p/-/tree/main/docs" is "g/p", "tree", "main/docs".
func splitPagePath(p string) (full, segment, rest string) {
	p = strings.Trim(p, "/")
	full, after, ok := strings.Cut(p, "/-/")
	if !ok {
		return strings.TrimSuffix(p, "/-"), "", ""
	}
	segment, rest, _ = strings.Cut(after, "/")
	return full, segment, rest
}

// byPath answers what lies under a project's, group's or user's path:
// /<project>[/-/<page>], /<group>, /<username>.
func (s *Web) byPath(w http.ResponseWriter, r *request) error {
	full, segment, rest := splitPagePath(r.URL.Path)
	if full == "" {
		return ferry.ErrNotFound
	}
	if handedOver(full, segment, method(r)) {
		return s.handOver(w, r) // the API's file, for this session's visitor (exports.go)
	}
	if strings.Contains(full, "/") {
		p, err := s.db.ProjectByFullPath(r.ctx(), full)
		if err == nil {
			return s.serveProjectPage(w, r, p, segment, rest)
		}
		if !errors.Is(err, ferry.ErrNotFound) {
			return err
		}
	}
	n, err := s.db.NamespaceByFullPath(r.ctx(), full)
	if err != nil {
		return err
	}
	if !n.IsGroup() {
		if segment != "" || method(r) != http.MethodGet {
			return ferry.ErrNotFound
		}
		return s.userHome(w, r, n)
	}
	return s.serveGroupPage(w, r, n, segment, rest)
}

// handedOver reports whether the API handed the request over for the
// session's visitor: an export's download_export link or a project's
// upload (/<p>/uploads/<secret>/<file>), which the API answers.
func handedOver(full, segment, m string) bool {
	if segment != "" || (m != http.MethodGet && m != http.MethodHead) {
		return false
	}
	return strings.HasSuffix(full, "/download_export") || strings.Contains(full, "/uploads/")
}

// groupPath answers /groups/<group>[/-/<page>].
func (s *Web) groupPath(w http.ResponseWriter, r *request) error {
	full, segment, rest := splitPagePath(r.PathValue("path"))
	n, err := s.db.NamespaceByFullPath(r.ctx(), full)
	if err != nil {
		return err
	}
	if !n.IsGroup() {
		return ferry.ErrNotFound
	}
	return s.serveGroupPage(w, r, n, segment, rest)
}

// serveProjectPage runs the project page segment for p when the visitor
// may see p (404 otherwise, as for a project that does not exist).
func (s *Web) serveProjectPage(w http.ResponseWriter, r *request, p ferry.Project, segment, rest string) error {
	h, ok := s.projectPages[method(r)+" "+segment]
	if !ok {
		return ferry.ErrNotFound
	}
	level, err := s.access.ReadableProject(r.ctx(), r.user, p)
	if err != nil {
		return err
	}
	r.project, r.level, r.rest = &p, level, rest
	return h(w, r)
}

// serveGroupPage runs the group page segment for g when the visitor may
// see g (their level in r.level).
func (s *Web) serveGroupPage(w http.ResponseWriter, r *request, g ferry.Namespace, segment, rest string) error {
	h, ok := s.groupPages[method(r)+" "+segment]
	if !ok {
		return ferry.ErrNotFound
	}
	level, err := s.access.ReadableGroup(r.ctx(), r.user, g)
	if err != nil {
		return err
	}
	r.group, r.level, r.rest = &g, level, rest
	return h(w, r)
}

// method is r's method, HEAD answered as GET (net/http sends no body).
func method(r *request) string {
	if r.Method == http.MethodHead {
		return http.MethodGet
	}
	return r.Method
}

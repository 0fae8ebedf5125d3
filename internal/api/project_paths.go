package api

import (
	"net/http"
	"strings"
)

// serveProjectPath answers the routes under a project's web path that
// routes.go cannot register (a namespace has any depth): uploads and the
// Git LFS API. It reports whether r was one of them.
func (a *API) serveProjectPath(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	if full, secret, name, ok := uploadWebPath(p); ok && get {
		if a.pages != nil && a.sessionHandover(r) {
			a.pages.ServeHTTP(w, r) // a private project's image in a signed-in page
			return true
		}
		webToken(a.open(a.projectUploadWeb(full, secret, name))).ServeHTTP(w, r)
		return true
	}
	if repo, ok := strings.CutSuffix(p, ".git/info/lfs/objects/batch"); ok && r.Method == http.MethodPost && len(repo) > 1 {
		a.lfsBatch(w, r, repo[1:])
		return true
	}
	if repo, ok := strings.CutSuffix(p, ".git/info/lfs/locks"); ok && get && len(repo) > 1 {
		a.lfsLocks(w, r, repo[1:], false)
		return true
	}
	if repo, ok := strings.CutSuffix(p, ".git/info/lfs/locks/verify"); ok && r.Method == http.MethodPost && len(repo) > 1 {
		a.lfsLocks(w, r, repo[1:], true)
		return true
	}
	if repo, oid, ok := strings.Cut(p, ".git/gitlab-lfs/objects/"); ok && get && len(repo) > 1 {
		a.lfsObject(w, r, repo[1:], oid)
		return true
	}
	return false
}

// webToken lets a web route take a token as the password of HTTP Basic
// auth, as git clients send it, when no token header is set.
func webToken(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, token, ok := r.BasicAuth(); ok && r.Header.Get("Private-Token") == "" {
			r = r.Clone(r.Context())
			r.Header.Set("Private-Token", token)
		}
		h.ServeHTTP(w, r)
	})
}

package api

import "net/http"

// lfsLocks answers GitLab's LFS locks API at <full_path>.git/info/lfs/locks:
// GET lists the locks (download access), POST .../locks/verify splits them
// into ours and theirs before a push (push access). Archives carry no
// locks (GitLab does not export them) and Ferry takes none, so the lists
// are empty.
func (a *API) lfsLocks(w http.ResponseWriter, r *http.Request, fullPath string, verify bool) {
	op, body := "download", any(map[string][]struct{}{"locks": {}})
	if verify {
		op, body = "upload", map[string][]struct{}{"ours": {}, "theirs": {}}
	}
	c, ok := a.lfsAuthenticate(w, r)
	if !ok || !a.lfsAuthorize(w, r, &c, fullPath, op) {
		return
	}
	writeLFS(w, http.StatusOK, body)
}

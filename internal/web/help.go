package web

import "net/http"

// help is /help: where the API's documentation_url points (LFS errors),
// a short page on what Ferry is and where its documentation lives.
func (s *Web) help(w http.ResponseWriter, r *request) error {
	return s.render(w, r, "help", nil)
}

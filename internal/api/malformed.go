package api

import (
	"net/http"
	"strings"
	"unicode/utf8"
)

// errMalformed is GitLab's answer to a request holding a malformed
// string (Gitlab::Middleware::HandleMalformedStrings): 400 with a plain
// "Bad Request", before any route runs.
var errMalformed = &httpError{Status: http.StatusBadRequest, Body: rawText("Bad Request")}

// malformed reports whether s is a string GitLab refuses in a request: one
// holding a NUL byte, or not valid UTF-8. No store takes a NUL in text
// (PostgreSQL refuses it), so Ferry refuses it at the door, as GitLab.
func malformed(s string) bool {
	return strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s)
}

// checkValues returns errMalformed when a parameter value is malformed.
// As GitLab, values are checked and names are not.
func checkValues(values map[string][]string) error {
	for _, vs := range values {
		for _, v := range vs {
			if malformed(v) {
				return errMalformed
			}
		}
	}
	return nil
}

// rejectMalformed answers errMalformed, on every route, to a request whose
// path (unescaped), query string values or Basic credentials hold a
// malformed string, as GitLab's middleware does; body parameters (form,
// multipart fields, JSON) are checked where they are read (parseParams,
// form.read), since a body is read only by the route that takes it.
func (a *API) rejectMalformed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, basic := r.BasicAuth()
		if malformed(r.URL.Path) || checkValues(r.URL.Query()) != nil || basic && (malformed(user) || malformed(pass)) {
			a.writeError(w, r, errMalformed)
			return
		}
		next.ServeHTTP(w, r)
	})
}

package api

import (
	"net/http"
)

// health is GET /-/health and /-/liveness: the process answers.
func (a *API) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte("GitLab OK"))
}

// readiness is GET /-/readiness: 200 when the database answers, 503
// otherwise, with the failing check named.
func (a *API) readiness(w http.ResponseWriter, r *http.Request) {
	type check struct {
		Status  string `json:"status"`
		Message string `json:"message,omitempty"`
	}
	db := check{Status: "ok"}
	if err := a.db.Ping(r.Context()); err != nil {
		db = check{Status: "failed", Message: "database unreachable"}
	}
	status := http.StatusOK
	if db.Status != "ok" {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, map[string]any{"status": db.Status, "master_check": []check{db}})
}

// Version is Ferry's version, reported by GET /version.
var Version = "dev"

// version is GET /version.
func (a *API) version(w http.ResponseWriter, r *request) error {
	writeJSON(w, http.StatusOK, map[string]string{"version": Version, "revision": "ferry"})
	return nil
}

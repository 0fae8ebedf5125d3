package api

import (
	"net"
	"net/http"
	"net/netip"
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

// metricsEndpoint is GET /-/metrics, Prometheus's text format. As GitLab's,
// it answers local requests (loopback, as from a scraper beside Ferry or
// a reverse proxy on the same host) and, from elsewhere, administrators'
// tokens; anyone else gets 404.
func (a *API) metricsEndpoint(w http.ResponseWriter, r *http.Request) {
	if a.metrics == nil || !a.mayScrape(r) {
		writeJSON(w, http.StatusNotFound, message{"404 Not Found"})
		return
	}
	a.metrics.Handler().ServeHTTP(w, r)
}

func (a *API) mayScrape(r *http.Request) bool {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if ip, err := netip.ParseAddr(host); err == nil && ip.Unmap().IsLoopback() {
			return true
		}
	}
	caller, err := a.authenticate(r, params{values: map[string][]string{}, null: map[string]bool{}})
	return err == nil && caller.User != nil && caller.User.IsAdmin
}

package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/server/servertest"
)

// TestMetrics_AfterAnImport scrapes /-/metrics after an import and an
// export: the jobs, records, bytes, requests and queue are counted.
func TestMetrics_AfterAnImport(t *testing.T) {
	t.Parallel()
	env := startUnlimited(t)
	id := importFinished(t, env, fixtureArchive(t, "0.2.4", nil), map[string]string{"path": "measured"})
	exportArchive(t, env.Root, id)
	// A job's status is saved before the job counts its metrics, so the
	// figures are polled until they appear (or a generous deadline ends).
	var problems []string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if problems = importMetricsProblems(t, env.URL); len(problems) == 0 {
			return
		}
	}
	t.Error(strings.Join(problems, "\n"))
}

// importMetricsProblems scrapes /-/metrics and says what it lacks after
// one import and one export.
func importMetricsProblems(t *testing.T, base string) []string {
	t.Helper()
	resp, err := http.Get(base + "/-/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(b)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /-/metrics from loopback: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var problems []string
	for _, tt := range []struct {
		series string
		min    float64
	}{
		{`ferry_jobs_total{kind="project_import",outcome="finished"}`, 1},
		{`ferry_jobs_total{kind="project_export",outcome="finished"}`, 1},
		{`ferry_job_duration_seconds_count{kind="project_import",outcome="finished"}`, 1},
		{`ferry_imported_records_total`, 80},
		{`ferry_bytes_total{direction="exported"}`, 1000},
		{`ferry_http_requests_total{code="Created",method="POST",route="POST /api/v4/projects/import"}`, 1},
		{`go_goroutines`, 1},
	} {
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(tt.series) + ` (\S+)$`).FindStringSubmatch(text)
		if m == nil {
			problems = append(problems, fmt.Sprintf("no %s in the metrics", tt.series))
			continue
		}
		if v, _ := strconv.ParseFloat(m[1], 64); v < tt.min {
			problems = append(problems, fmt.Sprintf("%s = %v, want at least %v", tt.series, v, tt.min))
		}
	}
	// The queue counts the import's job, completed or about to be (River
	// records completions a moment later).
	if !regexp.MustCompile(`(?m)^ferry_queue_jobs\{kind="project_import",state="(running|completed)"\} 1$`).MatchString(text) {
		problems = append(problems, fmt.Sprintf("the queue's import job is not counted: %s",
			regexp.MustCompile(`(?m)^ferry_queue.*$`).FindAllString(text, -1)))
	}
	return problems
}

// TestMetrics_WhoMayScrape pins GitLab's rule: local requests and
// administrators' tokens; anyone else from elsewhere gets 404. The
// requests are handed to the handler directly, with a remote address
// that is not local.
func TestMetrics_WhoMayScrape(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	_, _, userToken := newUser(t, env, "watcher")
	var hs http.Server
	env.Server.ConfigureHTTP(&hs)
	handler := hs.Handler
	for _, tt := range []struct {
		name, remote, token string
		want                int
	}{
		{"Loopback", "127.0.0.1:40000", "", 200},
		{"LoopbackV6", "[::1]:40000", "", 200},
		{"RemoteAnonymous", "192.0.2.10:40000", "", 404},
		{"RemoteUser", "192.0.2.10:40000", userToken, 404},
		{"RemoteAdmin", "192.0.2.10:40000", servertest.RootToken, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/-/metrics", nil)
			req.RemoteAddr = tt.remote
			if tt.token != "" {
				req.Header.Set("PRIVATE-TOKEN", tt.token)
			}
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("status %d, want %d: %s", rec.Code, tt.want, rec.Body.String())
			}
		})
	}
}

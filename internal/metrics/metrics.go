// Package metrics owns Ferry's Prometheus metrics, served at /-/metrics:
// HTTP requests by route and status, jobs by kind and outcome with their
// durations, bytes and records moved, and, read from the queue at each
// scrape, jobs by kind and state. A nil *Metrics records nothing, so
// components work without one.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are one process's metrics.
type Metrics struct {
	reg             *prometheus.Registry
	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	jobs            *prometheus.CounterVec
	jobDuration     *prometheus.HistogramVec
	bytes           *prometheus.CounterVec
	records         prometheus.Counter
	failedRelations prometheus.Counter
}

// New makes the metrics; queue, when not nil, is the database whose
// River jobs table is counted at each scrape.
func New(queue *sql.DB) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ferry_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code."}, []string{"route", "method", "code"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ferry_http_request_duration_seconds",
			Help: "Time to answer HTTP requests, by route pattern.", Buckets: prometheus.DefBuckets}, []string{"route"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ferry_jobs_total",
			Help: "Import and export attempts that ended, by kind and outcome (finished, failed, interrupted)."},
			[]string{"kind", "outcome"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ferry_job_duration_seconds",
			Help:    "Duration of import and export attempts, by kind and outcome.",
			Buckets: prometheus.ExponentialBuckets(0.1, 2, 16)}, []string{"kind", "outcome"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ferry_bytes_total",
			Help: "Bytes of archives moved, by direction (exported: archives written; imported: archives read)."},
			[]string{"direction"}),
		records: prometheus.NewCounter(prometheus.CounterOpts{Name: "ferry_imported_records_total",
			Help: "Relation records stored by finished imports."}),
		failedRelations: prometheus.NewCounter(prometheus.CounterOpts{Name: "ferry_failed_relations_total",
			Help: "Relation records that imports could not restore (failed_relations)."}),
	}
	m.reg.MustRegister(m.requests, m.requestDuration, m.jobs, m.jobDuration, m.bytes, m.records, m.failedRelations,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if queue != nil {
		m.reg.MustRegister(&queueCollector{db: queue})
	}
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Request records one answered HTTP request; route is the matched route
// pattern ("" when none matched).
func (m *Metrics) Request(route, method string, code int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, http.StatusText(code)).Inc()
	m.requestDuration.WithLabelValues(route).Observe(d.Seconds())
}

// Job records the end of an import or export attempt.
func (m *Metrics) Job(kind, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.jobs.WithLabelValues(kind, outcome).Inc()
	m.jobDuration.WithLabelValues(kind, outcome).Observe(d.Seconds())
}

// Bytes records archive bytes moved in direction ("imported", "exported").
func (m *Metrics) Bytes(direction string, n int64) {
	if m == nil || n <= 0 {
		return
	}
	m.bytes.WithLabelValues(direction).Add(float64(n))
}

// Imported records a finished import's stored records and failures.
func (m *Metrics) Imported(records, failed int64) {
	if m == nil {
		return
	}
	m.records.Add(float64(records))
	m.failedRelations.Add(float64(failed))
}

// queueCollector counts River's jobs by kind and state at each scrape:
// the queue's depth is the available and scheduled ones.
type queueCollector struct{ db *sql.DB }

var queueDesc = prometheus.NewDesc("ferry_queue_jobs", "Jobs in the queue, by kind and state.", []string{"kind", "state"}, nil)

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueDesc }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := c.db.QueryContext(ctx, `SELECT kind, state, count(*) FROM river_job GROUP BY kind, state`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueDesc, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var kind, state string
		var n int64
		if err := rows.Scan(&kind, &state, &n); err != nil {
			ch <- prometheus.NewInvalidMetric(queueDesc, err)
			return
		}
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(n), kind, state)
	}
}

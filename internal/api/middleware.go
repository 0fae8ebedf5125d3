package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ferryhq/ferry/internal/correlation"
)

// statusRecorder remembers the status written, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush on the real writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// withRequestLog gives each request a correlation ID (a safe client-sent
// X-Request-Id, or a new one), echoes it in X-Request-Id, logs the request
// when it ends, and turns a panic into GitLab's 500 without showing it.
func (a *API) withRequestLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := correlation.Accept(r.Header.Get("X-Request-Id"))
		ctx := correlation.WithID(r.Context(), id)
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w}
		route := new(string)
		r = r.WithContext(context.WithValue(ctx, routeKey{}, route))
		start := time.Now()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.logger.ErrorContext(ctx, "panic", slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
				if rec.status == 0 {
					writeJSON(rec, http.StatusInternalServerError, message{"500 Internal Server Error"})
				}
			}
			elapsed := time.Since(start)
			a.logger.InfoContext(ctx, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes), slog.Duration("duration", elapsed))
			a.metrics.Request(*route, r.Method, rec.status, elapsed)
		}()
		next.ServeHTTP(rec, r)
	})
}

// routeKey holds, in a request's context, where withRoute writes the
// route pattern the mux matched, for the metrics.
type routeKey struct{}

// withRoute tells withRequestLog which route pattern served the request
// (the mux sets it on the request it is given).
func withRoute(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if route, ok := r.Context().Value(routeKey{}).(*string); ok {
			*route = r.Pattern
		}
	})
}

// apiPaths reads /api/ paths as Grape's router does: repeated slashes are
// one and trailing slashes are dropped, so python-gitlab's "/features/"
// and "/features//name" reach their routes (the mux would redirect them).
func apiPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			raw := r.URL.EscapedPath()
			clean := strings.TrimRight(multiSlash.ReplaceAllString(raw, "/"), "/")
			if path, err := url.PathUnescape(clean); clean != raw && err == nil {
				u := *r.URL
				u.Path, u.RawPath = path, clean
				r2 := *r
				r2.URL = &u
				r = &r2
			}
		}
		next.ServeHTTP(w, r)
	})
}

var multiSlash = regexp.MustCompile(`/{2,}`)

package api

import (
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"
)

// throttle counts the request against GitLab's limiter key with threshold
// requests a minute (0 = off) in scope, and returns GitLab's 429 with
// Retry-After (seconds until the window ends) once it is over.
func (a *API) throttle(r *request, key string, threshold int, scope ...string) error {
	res, err := a.limiter.Hit(r.ctx(), key, threshold, time.Minute, scope...)
	if err != nil {
		return err
	}
	if res.Allowed {
		return nil
	}
	a.logger.WarnContext(r.ctx(), "rate limited", slog.String("env", key+"_request_limit"),
		slog.Int("count", res.Count), slog.Int("threshold", threshold))
	retry := strconv.Itoa(int(math.Ceil(res.RetryAfter.Seconds())))
	return &httpError{
		Status: http.StatusTooManyRequests,
		Body:   message{map[string]string{"error": "This endpoint has been requested too many times. Try again later."}},
		Header: http.Header{"Retry-After": {retry}},
	}
}

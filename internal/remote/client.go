// Package remote is the command line's client of a server that speaks
// GitLab's project and group import/export APIs (GitLab or Ferry): it
// schedules and follows exports, downloads them (resuming with Range
// after a dropped connection), uploads archives to import (streamed,
// never held in memory) and follows imports. Only GitLab's documented
// API is used, and Ferry's status routes of group jobs where the server
// has them (GitLab has none: see ExportGroupArchive and
// WaitGroupImport).
// Every call honours 429 with Retry-After and retries transient failures
// (5xx, a dropped connection) with backoff; other refusals are an
// *APIError that says what to do. The token is sent in the PRIVATE-TOKEN
// header and never appears in an error or a log line.
package remote

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client talks to one server.
type Client struct {
	base  string // ".../api/v4"
	token string
	http  *http.Client
	log   *slog.Logger
	// Retries is how often a transient failure is retried before the
	// call fails; RateLimitWaits how many 429s are waited out.
	Retries        int
	RateLimitWaits int
	// Backoff is the first wait after a transient failure, doubled at
	// each retry up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// Poll is the first wait between two status reads of a job, growing
	// to MaxPoll.
	Poll, MaxPoll time.Duration
	// NoExport is how long an export may show the status none after it
	// was asked for (an older GitLab's, until its worker starts).
	NoExport time.Duration
	// GroupWait is how long a group export or import is waited for on a
	// server that gives no status of them (GitLab); Settle is how long
	// a group GitLab imports must stay unchanged to be taken as
	// imported.
	GroupWait, Settle time.Duration
}

// New returns a client of the server at server (its base URL, with or
// without /api/v4). It returns an error if server is not an absolute
// http or https URL.
func New(server, token string, logger *slog.Logger) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(server))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server %q: want an absolute http:// or https:// URL", server)
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	base := strings.TrimSuffix(strings.TrimSuffix(u.String(), "/"), "/api/v4")
	return &Client{base: base + "/api/v4", token: token, http: &http.Client{CheckRedirect: keepToken}, log: logger,
		Retries: 5, RateLimitWaits: 30, Backoff: time.Second, MaxBackoff: 30 * time.Second,
		Poll: time.Second, MaxPoll: 5 * time.Second, NoExport: 15 * time.Minute,
		GroupWait: 2 * time.Hour, Settle: 30 * time.Second}, nil
}

// Server is the server's base URL, as errors name it.
func (c *Client) Server() string { return strings.TrimSuffix(c.base, "/api/v4") }

// ProjectID is how the API names a project given by id or by full path
// ("group/sub/project"): the id, or the path URL-encoded.
func ProjectID(project string) string {
	if _, err := strconv.ParseInt(project, 10, 64); err == nil {
		return project
	}
	return strings.ReplaceAll(url.PathEscape(strings.Trim(project, "/")), "/", "%2F")
}

// keepToken drops the token from a redirect to another host (an object
// store's signed download URL), which must not see it.
func keepToken(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if req.URL.Host != via[0].URL.Host {
		req.Header.Del("PRIVATE-TOKEN")
	}
	return nil
}

// send sends the request that build makes (afresh for each attempt) and
// returns the first answer that is neither a 429 nor a transient failure
// (5xx), waiting Retry-After after a 429 and backing off after a
// transient failure or a dropped connection. A refusal (4xx) is an
// *APIError; the caller closes the body of a success.
func (c *Client) send(ctx context.Context, build func(ctx context.Context) (*http.Request, error)) (*http.Response, error) {
	retries, waits := 0, 0
	for {
		req, err := build(ctx)
		if err != nil {
			return nil, err
		}
		req.Header.Set("PRIVATE-TOKEN", c.token)
		resp, err := c.http.Do(req)
		var wait time.Duration
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			if retries++; retries > c.Retries {
				return nil, fmt.Errorf("%s %s: %w", req.Method, c.Server(), unwrapURL(err))
			}
			wait = c.backoff(retries)
			c.log.WarnContext(ctx, "request failed, retrying", "method", req.Method, "path", req.URL.Path, "error", unwrapURL(err), "wait", wait)
		case resp.StatusCode == http.StatusTooManyRequests:
			refusal := drain(req, resp)
			if waits++; waits > c.RateLimitWaits {
				return nil, refusal
			}
			wait = retryAfter(resp.Header.Get("Retry-After"))
			c.log.InfoContext(ctx, "rate limited by the server, waiting", "method", req.Method, "path", req.URL.Path, "wait", wait)
		case transient(resp.StatusCode):
			refusal := drain(req, resp)
			if retries++; retries > c.Retries {
				return nil, refusal
			}
			wait = c.backoff(retries)
			c.log.WarnContext(ctx, "server error, retrying", "method", req.Method, "path", req.URL.Path, "status", resp.StatusCode, "wait", wait)
		default:
			return check(resp)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// drain reads an answer that will be retried, and closes it, returning
// the error it is if the retries run out.
func drain(req *http.Request, resp *http.Response) error {
	defer resp.Body.Close()
	return errorOf(req, resp)
}

// transient reports whether a status is worth retrying.
func transient(code int) bool {
	return code == http.StatusInternalServerError || code == http.StatusBadGateway ||
		code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
}

// backoff is the wait before the n-th retry (from 1).
func (c *Client) backoff(n int) time.Duration {
	d := c.Backoff << min(n-1, 16)
	return min(d, c.MaxBackoff)
}

// retryAfter reads Retry-After (seconds or an HTTP date); GitLab's limits
// are per minute, so a 429 without it waits a minute.
func retryAfter(v string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s)*time.Second + 100*time.Millisecond
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0) + 100*time.Millisecond
	}
	return time.Minute
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// unwrapURL drops *url.Error's "Get "URL":" prefix: the method and
// server are said once by the caller.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

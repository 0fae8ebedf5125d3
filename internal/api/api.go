// Package api serves Ferry's GitLab-compatible REST API under /api/v4, the
// health checks, and git over smart HTTP. Every route is in routes.go;
// every error becomes GitLab's status and body in errors.go; parameters are
// read as GitLab's Grape reads them in params.go.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/githttp"
	"github.com/ferryhq/ferry/internal/jobadmin"
	"github.com/ferryhq/ferry/internal/jobs"
	"github.com/ferryhq/ferry/internal/metrics"
	"github.com/ferryhq/ferry/internal/ratelimit"
	"github.com/ferryhq/ferry/internal/repos"
	"github.com/ferryhq/ferry/internal/secret"
	"github.com/ferryhq/ferry/internal/source"
	"github.com/ferryhq/ferry/internal/ssrf"
	"github.com/ferryhq/ferry/internal/store"
)

// Config is what the API needs.
type Config struct {
	DB    *store.DB
	Jobs  *jobs.Client
	Repos *repos.Store
	Git   *githttp.Backend
	Blobs blob.Store
	// Box seals secrets kept in the database (upload URLs).
	Box *secret.Box
	// S3 is where remote-import-s3 reads objects.
	S3 source.S3
	// Outbound is the SSRF policy for remote-import URLs, as the
	// settings ask for it now, with the roots Ferry trusts.
	Outbound func(ctx context.Context) (ssrf.Policy, error)
	// ExternalURL is the base of web_url and _links, without a trailing
	// slash (e.g. "http://127.0.0.1:8080").
	ExternalURL string
	// Limits bound request bodies (zero fields: defaults).
	Limits Limits
	Logger *slog.Logger
	// Metrics records requests and serves /-/metrics (nil: none).
	Metrics *metrics.Metrics
	// Pages answers the web paths the API does not own (every path
	// outside /api/v4, /-/ and a project's git, LFS, uploads and
	// download_export paths): the web interface. Nil: 404.
	Pages http.Handler
	// SessionCookie names the pages' session cookie: a download_export
	// link followed with it and no token goes to the pages, which hand it
	// back with their visitor (see pages.go). "": never.
	SessionCookie string
}

// API is the HTTP API.
type API struct {
	db       *store.DB
	jobs     *jobs.Client
	repos    *repos.Store
	git      *githttp.Backend
	blobs    blob.Store
	box      *secret.Box
	s3       source.S3
	outbound func(ctx context.Context) (ssrf.Policy, error)
	base     string
	limits   Limits
	logger   *slog.Logger
	authn    *auth.Authenticator
	access   *auth.Access
	limiter  *ratelimit.Limiter
	content  *content.Reader
	metrics  *metrics.Metrics
	pages    http.Handler
	session  string
	jobAdmin *jobadmin.Service
	// forPages is the handler ServeAs runs (see pages.go).
	forPages pageHandler
}

// New returns the API over cfg's components.
func New(cfg Config) *API {
	return &API{
		db: cfg.DB, jobs: cfg.Jobs, repos: cfg.Repos, git: cfg.Git, blobs: cfg.Blobs, box: cfg.Box,
		s3: cfg.S3, outbound: cfg.Outbound,
		base:    strings.TrimSuffix(cfg.ExternalURL, "/"),
		limits:  cfg.Limits.withDefaults(),
		logger:  cfg.Logger.With("component", "api"),
		authn:   &auth.Authenticator{DB: cfg.DB},
		access:  &auth.Access{DB: cfg.DB},
		limiter: &ratelimit.Limiter{DB: cfg.DB},
		content: content.New(cfg.DB, strings.TrimSuffix(cfg.ExternalURL, "/")),
		metrics: cfg.Metrics,
		pages:   cfg.Pages,
		session: cfg.SessionCookie,
		jobAdmin: &jobadmin.Service{DB: cfg.DB, Jobs: cfg.Jobs, Blobs: cfg.Blobs,
			Logger: cfg.Logger.With("component", "jobadmin")},
	}
}

// request is one API call: the HTTP request, its parameters and caller.
type request struct {
	*http.Request
	params params
	user   *ferry.User
	// token is the personal access token the caller authenticated with.
	token *ferry.PersonalAccessToken
}

// ctx is the request's context.
func (r *request) ctx() context.Context { return r.Context() }

// handler is an endpoint: it answers w or returns an error for errors.go.
type handler func(w http.ResponseWriter, r *request) error

// authed adapts an endpoint that needs a signed-in caller.
func (a *API) authed(h handler) http.Handler { return a.adapt(h, route{needUser: true}) }

// open adapts an endpoint that anonymous callers may use too.
func (a *API) open(h handler) http.Handler { return a.adapt(h, route{}) }

// anyScope adapts an endpoint that needs a signed-in caller whose token
// may hold any scope (a token reads and revokes itself).
func (a *API) anyScope(h handler) http.Handler {
	return a.adapt(h, route{needUser: true, anyScope: true})
}

// streamed adapts an endpoint that reads its own (multipart) body: only
// the query string is parsed and the caller must authenticate by header or
// query parameter.
func (a *API) streamed(h handler) http.Handler {
	return a.adaptWith(h, route{needUser: true, parse: queryParams})
}

// route is how an endpoint is adapted.
type route struct {
	needUser bool
	// anyScope lets tokens without the api or read_api scope in.
	anyScope bool
	// parse reads the parameters (default: query string and body).
	parse func(*http.Request) (params, error)
}

func (a *API) adapt(h handler, rt route) http.Handler {
	rt.parse = func(r *http.Request) (params, error) { return parseParams(r, a.limits.MaxBody) }
	return a.adaptWith(h, rt)
}

func queryParams(r *http.Request) (params, error) {
	p := params{values: map[string][]string{}, null: map[string]bool{}}
	for k, vs := range r.URL.Query() {
		p.values[strings.TrimSuffix(k, "[]")] = vs
	}
	return p, nil
}

func (a *API) adaptWith(h handler, rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, hr *http.Request) {
		r := &request{Request: hr}
		if err := a.serve(w, r, h, rt); err != nil {
			a.writeError(w, hr, err)
		}
	})
}

// serve authenticates r, reads its parameters and runs h. A token in the
// headers or the query string is checked before any of the body is read,
// so a bad token costs no body; a token can also come in the body's
// parameters, as GitLab allows.
func (a *API) serve(w http.ResponseWriter, r *request, h handler, rt route) error {
	query, _ := queryParams(r.Request)
	caller, err := a.authenticate(r.Request, query)
	if err != nil {
		return err
	}
	if caller.User != nil {
		if !rt.anyScope && !scopeAllows(caller, r.Method) {
			return insufficientScope
		}
		trustBody(r.Request)
	}
	p, perr := rt.parse(r.Request)
	r.params = p
	if caller.User == nil && perr == nil {
		if caller, err = a.authenticate(r.Request, p); err != nil {
			return err
		}
	}
	switch {
	case errors.Is(perr, requestTimeout): // the connection is lost either way
		return perr
	case caller.User != nil && !rt.anyScope && !scopeAllows(caller, r.Method):
		return insufficientScope
	case caller.User == nil && rt.needUser:
		return ferry.ErrUnauthorized
	case perr != nil:
		return perr
	}
	r.user, r.token = caller.User, caller.Token
	return h(w, r)
}

// authenticate finds the caller's token where GitLab looks for one: the
// private_token parameter, the PRIVATE-TOKEN header, then a Bearer token or
// access_token parameter. No token is an anonymous caller (nil, nil); a
// token that does not authenticate is ferry.ErrUnauthorized.
func (a *API) authenticate(r *http.Request, p params) (auth.Caller, error) {
	if c, ok := fromPages(r); ok {
		return c.caller, nil
	}
	token, _ := p.str("private_token")
	if token == "" {
		token = r.Header.Get("Private-Token")
	}
	if token == "" {
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			token = strings.TrimSpace(bearer)
		}
	}
	if token == "" {
		token, _ = p.str("access_token")
	}
	if token == "" {
		return auth.Caller{}, nil
	}
	return a.authn.Authenticate(r.Context(), token)
}

// scopeAllows is GitLab's scope rule for the API: the api scope for
// everything, read_api for GET and HEAD.
func scopeAllows(c auth.Caller, method string) bool {
	if method == http.MethodGet || method == http.MethodHead {
		return c.Allows("api", "read_api")
	}
	return c.Allows("api")
}

var insufficientScope = &httpError{Status: http.StatusForbidden, Body: map[string]string{
	"error":             "insufficient_scope",
	"error_description": "The request requires higher privileges than provided by the access token.",
	"scope":             "api",
}}

// requireAdmin is GitLab's authenticated_as_admin!.
func requireAdmin(r *request) error {
	if !auth.IsAdmin(r.user) {
		return forbidden("")
	}
	return nil
}

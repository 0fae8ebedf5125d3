package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/repos"
	"github.com/ferryhq/ferry/internal/store"
)

// Config is what the pages need: the services they call.
type Config struct {
	DB    *store.DB
	Repos *repos.Store
	// ExternalURL is Ferry's base URL: its scheme decides whether cookies
	// are Secure.
	ExternalURL string
	Logger      *slog.Logger
	// TrustBody is called on a request whose session is valid: the
	// server lifts the deadline it gives anonymous request bodies (nil:
	// nothing to lift).
	TrustBody func(*http.Request)
}

// Web is the web interface.
type Web struct {
	db      *store.DB
	repos   *repos.Store
	authn   *auth.Authenticator
	access  *auth.Access
	content *content.Reader
	base    string
	secure  bool
	logger  *slog.Logger
	trust   func(*http.Request)
	// api is how the import, export and admin pages act (apicall.go).
	api   APIFunc
	pages *pages
	// projectPages and groupPages are the pages under /<path>/-/,
	// keyed by method and first segment (see routes.go).
	projectPages map[string]handler
	groupPages   map[string]handler
	handler      http.Handler
}

// New builds the web interface. Returns an error when a template does
// not parse.
func New(cfg Config) (*Web, error) {
	base := strings.TrimSuffix(cfg.ExternalURL, "/")
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("external URL: %w", err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Web{db: cfg.DB, repos: cfg.Repos, authn: &auth.Authenticator{DB: cfg.DB}, access: &auth.Access{DB: cfg.DB},
		content: content.New(cfg.DB, base), base: base, secure: u.Scheme == "https",
		logger: logger.With("component", "web"), trust: cfg.TrustBody, pages: p,
		projectPages: map[string]handler{}, groupPages: map[string]handler{}}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP answers a page.
func (s *Web) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Package server wires Ferry together: the store, the job queue and its
// workers, repositories, the HTTP API and the web pages behind it. New is the only place that
// knows every component; `ferry serve` and the end-to-end tests both
// start the server through it.
package server

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/ferryhq/ferry"

	"github.com/ferryhq/ferry/internal/api"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/blob/s3blob"
	"github.com/ferryhq/ferry/internal/exporter"
	"github.com/ferryhq/ferry/internal/githttp"
	"github.com/ferryhq/ferry/internal/importer"
	"github.com/ferryhq/ferry/internal/jobs"
	"github.com/ferryhq/ferry/internal/metrics"
	"github.com/ferryhq/ferry/internal/ratelimit"
	"github.com/ferryhq/ferry/internal/removal"
	"github.com/ferryhq/ferry/internal/repos"
	"github.com/ferryhq/ferry/internal/scratch"
	"github.com/ferryhq/ferry/internal/secret"
	"github.com/ferryhq/ferry/internal/source"
	"github.com/ferryhq/ferry/internal/ssrf"
	"github.com/ferryhq/ferry/internal/store"
	"github.com/ferryhq/ferry/internal/trust"
	"github.com/ferryhq/ferry/internal/web"
)

// Config is everything `ferry serve` can be told.
type Config struct {
	// Listen is the HTTP address (default 127.0.0.1:8080).
	Listen string
	// DataDir holds the SQLite database and repositories (default ./data).
	DataDir string
	// DatabaseURL is a postgres:// URL or a SQLite file path (default
	// <DataDir>/ferry.db).
	DatabaseURL string
	// ExternalURL is the base of links in answers (default http://<Listen>).
	ExternalURL string
	// RootToken, when set, is made a valid token of the administrator root.
	RootToken string
	// SecretKey encrypts stored secrets; default a key file in DataDir.
	// Every process of one installation needs the same key.
	SecretKey string
	// BlobsURL keeps stored files in an object store
	// (s3://bucket/prefix?endpoint=...&region=...); default the data
	// folder.
	BlobsURL string
	// BlobsAccessKeyID and BlobsSecretAccessKey are the object store's keys.
	BlobsAccessKeyID     string
	BlobsSecretAccessKey string
	// S3Endpoint is an S3-compatible server (path-style) for
	// remote-import-s3; empty means AWS's regional endpoints.
	S3Endpoint string
	// ExtraCAFile is a PEM file of CA certificates trusted, on top of
	// the system's roots, by every outbound TLS connection: remote-import
	// downloads, export uploads, remote-import-s3 and the object store.
	ExtraCAFile string
	// Role is what this process does: "all" (default), "api" (HTTP only;
	// jobs are queued for workers elsewhere) or "worker" (jobs only).
	Role string
	// StaleAfter is how long a worker may miss its heartbeat before its
	// running jobs go to another worker (default 30s).
	StaleAfter time.Duration
	// ShutdownGrace is how long a stop lets running jobs finish before it
	// interrupts them (default DefaultShutdownGrace).
	ShutdownGrace time.Duration
	// TransferTimeouts bound export uploads and remote-import downloads
	// (zero fields: GitLab's, ssrf.DefaultTimeouts).
	TransferTimeouts ssrf.Timeouts
	// MaxTransfers is how many of those this process runs at once
	// (default jobs.DefaultTransferSlots); the other workers stay free for
	// everything else.
	MaxTransfers int
	// MaxWorkers is how many jobs this process runs at once (default 4).
	MaxWorkers int
	// Work runs job workers in this process (set from Role by New).
	Work bool
	// SweepEvery spaces the sweeps of scratch files that no running
	// process owns (default 10 minutes; one sweep runs at start).
	SweepEvery time.Duration
	// RetryPolicy spaces job retries (default River's backoff).
	RetryPolicy river.ClientRetryPolicy
	// Limits bound what one client can hold of the server.
	Limits Limits
	Logger *slog.Logger
}

// Limits bound connections and request bodies; zero fields take the
// defaults. The body limits (api.Limits: BodyIdle, AnonymousBody,
// MaxBody) are the API's.
type Limits struct {
	// HeaderTimeout is the time a client has to send a request's headers
	// (default 10s).
	HeaderTimeout time.Duration
	// KeepAlive closes a connection idle this long between requests
	// (default 75s, nginx's keepalive_timeout).
	KeepAlive time.Duration
	api.Limits
}

// Default connection limits.
const (
	DefaultHeaderTimeout = 10 * time.Second
	DefaultKeepAlive     = 75 * time.Second
)

// Server is a running (or ready to run) Ferry.
type Server struct {
	cfg      Config
	roots    *x509.CertPool
	DB       *store.DB
	Jobs     *jobs.Client
	Repos    *repos.Store
	Blobs    blob.Store
	api      *api.API
	http     *http.Server
	logger   *slog.Logger
	shutdown sync.Once
	clientID string
	stopBeat context.CancelFunc
	beatDone chan struct{}
	// scratch are this process's scratch folders; the sweeper (stopped
	// by stopSweep) removes those that dead processes left beside them.
	scratch   []*scratch.Dir
	stopSweep context.CancelFunc
	sweepDone chan struct{}
	// RootToken is the token created for root on first start when no
	// RootToken was configured ("" otherwise).
	RootToken string
	// Metrics are this process's Prometheus metrics (GET /-/metrics).
	Metrics *metrics.Metrics
	// RootTokenFile is where that token was written (owner-only), for the
	// administrator to read once; "" when none was created.
	RootTokenFile string
}

// New opens the store (running migrations), makes sure root exists,
// and builds the queue and the API. Returns an error when the data folder
// or the database cannot be used.
func New(ctx context.Context, cfg Config) (*Server, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	// A bad CA file is refused before anything is written.
	roots, err := trust.Roots(cfg.ExtraCAFile)
	if err != nil {
		return nil, err
	}
	repoRoot := filepath.Join(cfg.DataDir, "repositories")
	if err := makeDataFolder(cfg.DataDir, repoRoot, cfg.Logger); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, roots: roots, DB: db, Repos: &repos.Store{Root: repoRoot}, logger: cfg.Logger}
	if err := s.build(ctx); err != nil {
		return nil, errors.Join(err, s.releaseScratch(), db.Close())
	}
	s.startSweeper(ctx)
	return s, nil
}

// build makes root, the secret box, the workers and the API.
func (s *Server) build(ctx context.Context) error {
	cfg, db := s.cfg, s.DB
	var err error
	if s.RootToken, err = ensureRoot(ctx, db, cfg.RootToken); err != nil {
		return err
	}
	if s.RootToken != "" {
		s.RootTokenFile = filepath.Join(cfg.DataDir, InitialRootTokenFile)
		if err := writeOwnerOnly(s.RootTokenFile, s.RootToken+"\n"); err != nil {
			return fmt.Errorf("write root's first token: %w", err)
		}
	}
	box, err := openBox(cfg)
	if err != nil {
		return err
	}
	s.clientID = jobs.NewClientID()
	tmp, blobTmp, err := s.claimScratch()
	if err != nil {
		return err
	}
	if s.Blobs, err = openBlobs(cfg, s.roots, tmp, blobTmp); err != nil {
		return err
	}
	s.Metrics = metrics.New(db.SQL())
	transfers := jobs.NewSlots(cfg.MaxTransfers)
	workers := river.NewWorkers()
	river.AddWorker(workers, &repos.RemoveWorker{Repos: s.Repos, Blobs: s.Blobs})
	river.AddWorker(workers, &ratelimit.CleanupWorker{DB: db})
	river.AddWorker(workers, &jobs.ReaperWorker{DB: db, StaleAfter: cfg.StaleAfter, Logger: cfg.Logger.With("component", "jobs")})
	river.AddWorker(workers, &exporter.Worker{DB: db, Blobs: s.Blobs, Repos: s.Repos, Box: box, TempDir: tmp, Outbound: s.outboundPolicy,
		GitLabVersion: "ferry-" + api.Version, Logger: cfg.Logger.With("component", "exporter"), Metrics: s.Metrics,
		Transfers: transfers})
	s3src := source.S3{Endpoint: cfg.S3Endpoint, RootCAs: s.roots, Timeouts: cfg.TransferTimeouts}
	fetchers := map[string]importer.Fetcher{
		ferry.SourceURL: &source.URLFetcher{Box: box, Policy: s.outboundPolicy},
		ferry.SourceS3:  &source.S3Fetcher{Box: box, S3: s3src},
	}
	river.AddWorker(workers, &importer.Worker{DB: db, Blobs: s.Blobs, Repos: s.Repos, TempDir: tmp,
		Logger: cfg.Logger.With("component", "importer"), Enqueue: s.enqueue, Fetchers: fetchers, Metrics: s.Metrics,
		Transfers: transfers})
	river.AddWorker(workers, &importer.GroupWorker{DB: db, Blobs: s.Blobs, TempDir: tmp,
		Logger: cfg.Logger.With("component", "group_importer")})
	river.AddWorker(workers, &importer.CleanupWorker{DB: db, Blobs: s.Blobs, Logger: cfg.Logger.With("component", "importer"),
		Enqueue: s.enqueue})
	river.AddWorker(workers, &exporter.GroupWorker{DB: db, Blobs: s.Blobs, TempDir: tmp, GitLabVersion: "ferry-" + api.Version,
		Logger: cfg.Logger.With("component", "exporter"), Metrics: s.Metrics})
	river.AddWorker(workers, &removal.PurgeWorker{DB: db, Blobs: s.Blobs, Enqueue: s.enqueue,
		Logger: cfg.Logger.With("component", "removal")})
	river.AddWorker(workers, &exporter.CleanupWorker{DB: db, Blobs: s.Blobs, Logger: cfg.Logger.With("component", "exporter")})
	s.Jobs, err = jobs.Open(ctx, db, workers, jobs.Config{Work: cfg.Work, MaxWorkers: cfg.MaxWorkers, Logger: cfg.Logger.With("component", "jobs"),
		RetryPolicy: cfg.RetryPolicy, ClientID: s.clientID,
		PeriodicJobs: []*river.PeriodicJob{ratelimit.CleanupJob(), exporter.CleanupJob(), importer.CleanupJob(),
			jobs.ReaperJob(cfg.StaleAfter), removal.PurgeJob()}})
	if err != nil {
		return err
	}
	pages, err := web.New(web.Config{DB: db, Repos: s.Repos, ExternalURL: cfg.ExternalURL, Logger: cfg.Logger,
		TrustBody: api.TrustBody})
	if err != nil {
		return err
	}
	s.api = api.New(api.Config{DB: db, Pages: pages, SessionCookie: web.SessionCookie, Jobs: s.Jobs, Repos: s.Repos, Blobs: s.Blobs, Box: box, ExternalURL: cfg.ExternalURL,
		S3: s3src, Outbound: s.outboundPolicy, Limits: cfg.Limits.Limits,
		Git: &githttp.Backend{Logger: cfg.Logger.With("component", "git")}, Logger: cfg.Logger, Metrics: s.Metrics})
	pages.UseAPI(s.api.ServeAs)
	return nil
}

// outboundPolicy is the SSRF policy the settings ask for now, trusting
// the configured roots.
func (s *Server) outboundPolicy(ctx context.Context) (ssrf.Policy, error) {
	settings, err := s.DB.Settings(ctx)
	if err != nil {
		return ssrf.Policy{}, err
	}
	return ssrf.Policy{AllowLocal: settings.AllowLocalRequestsFromWebHooksAndServices,
		Allowlist: settings.OutboundLocalRequestsWhitelist, RootCAs: s.roots, Timeouts: s.cfg.TransferTimeouts}, nil
}

// enqueue inserts a job in tx.
func (s *Server) enqueue(ctx context.Context, tx *store.Tx, args river.JobArgs) error {
	_, err := s.Jobs.InsertTx(ctx, tx, args, nil)
	return err
}

// makeDataFolder creates the data folder and its repositories folder
// owner-only (private code, token digests and secrets live there). A data
// folder that others may read is left as the operator made it, with a
// warning.
func makeDataFolder(dataDir, repoRoot string, logger *slog.Logger) error {
	if err := os.MkdirAll(repoRoot, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	info, err := os.Stat(dataDir)
	if err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		logger.Warn("the data folder is open to other users; make it owner-only (chmod 700)",
			"data", dataDir, "mode", fmt.Sprintf("%04o", info.Mode().Perm()))
	}
	return nil
}

// openBlobs is the object store of cfg.BlobsURL, reached trusting roots
// and spooling blobs in tmp, or the data folder, writing blobs in blobTmp.
func openBlobs(cfg Config, roots *x509.CertPool, tmp, blobTmp string) (blob.Store, error) {
	if cfg.BlobsURL == "" {
		return &blob.Local{Root: filepath.Join(cfg.DataDir, "blobs"), TempDir: blobTmp}, nil
	}
	return s3blob.Open(cfg.BlobsURL, s3blob.Options{AccessKeyID: cfg.BlobsAccessKeyID,
		SecretAccessKey: cfg.BlobsSecretAccessKey, RootCAs: roots, TempDir: tmp})
}

// openBox uses the configured secret key or the data folder's key file.
func openBox(cfg Config) (*secret.Box, error) {
	if cfg.SecretKey != "" {
		return secret.New([]byte(cfg.SecretKey))
	}
	return secret.LoadOrCreate(filepath.Join(cfg.DataDir, "secret.key"))
}

// CheckExternalURL reports whether raw can be the base of links in
// answers: an absolute http:// or https:// URL.
func CheckExternalURL(raw string) error {
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want an absolute http:// or https:// URL", raw)
	}
	return nil
}

// withDefaults fills unset fields and makes the data folder absolute (git
// http-backend runs in another working directory).
func withDefaults(cfg Config) (Config, error) {
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:8080"
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "data"
	}
	abs, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return cfg, fmt.Errorf("data folder %s: %w", cfg.DataDir, err)
	}
	cfg.DataDir = abs
	if cfg.DatabaseURL == "" {
		cfg.DatabaseURL = filepath.Join(cfg.DataDir, "ferry.db")
	}
	if err := store.CheckURL(cfg.DatabaseURL); err != nil {
		return cfg, fmt.Errorf("database %w", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ExternalURL == "" {
		cfg.ExternalURL = "http://" + cfg.Listen
		if host, _, _ := net.SplitHostPort(cfg.Listen); host == "" || host == "0.0.0.0" || host == "::" {
			cfg.Logger.Warn("listening on every address without --external-url: links and clone URLs will name "+
				cfg.ExternalURL+", which clients cannot reach; set --external-url (FERRY_EXTERNAL_URL)", "listen", cfg.Listen)
		}
	}
	if err := CheckExternalURL(cfg.ExternalURL); err != nil {
		return cfg, fmt.Errorf("external URL %w", err)
	}
	switch cfg.Role {
	case "", "all":
		cfg.Role = "all"
	case "api":
		cfg.Work = false
	case "worker":
		cfg.Work = true
	default:
		return cfg, fmt.Errorf("role %q: want all, api or worker", cfg.Role)
	}
	if cfg.StaleAfter <= 0 {
		cfg.StaleAfter = jobs.DefaultStaleAfter
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	if cfg.Limits.HeaderTimeout <= 0 {
		cfg.Limits.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.Limits.KeepAlive <= 0 {
		cfg.Limits.KeepAlive = DefaultKeepAlive
	}
	return cfg, nil
}

// ConfigureHTTP sets hs up to serve Ferry with its connection limits:
// `ferry serve` and the test server both serve through it. There is no
// total read or write timeout: a long upload or download that keeps
// moving is never cut (request bodies have their own deadlines, see
// api.Limits).
func (s *Server) ConfigureHTTP(hs *http.Server) {
	hs.Handler = s.api.Handler()
	hs.ReadHeaderTimeout = s.cfg.Limits.HeaderTimeout
	hs.IdleTimeout = s.cfg.Limits.KeepAlive
	hs.ErrorLog = slog.NewLogLogger(s.logger.With("component", "http").Handler(), slog.LevelWarn)
}

// StartJobs starts the workers when the server works jobs.
func (s *Server) StartJobs(ctx context.Context) error {
	if !s.cfg.Work {
		return nil
	}
	if n, err := jobs.RecoverOrphans(ctx, s.DB); err != nil {
		return err
	} else if n > 0 {
		s.logger.Warn("resuming jobs interrupted by the last stop", "jobs", n)
	}
	if err := s.DB.Beat(ctx, s.clientID, time.Now()); err != nil {
		return err
	}
	beatCtx, stop := context.WithCancel(context.Background())
	s.stopBeat, s.beatDone = stop, make(chan struct{})
	go func() {
		defer close(s.beatDone)
		jobs.Heartbeat(beatCtx, s.DB, s.clientID, s.cfg.StaleAfter, s.logger.With("component", "jobs"))
	}()
	// Jobs outlive ctx: when it ends (a signal), Run's stop lets them
	// finish for the grace, then hands them back. River would cancel them
	// at once if their context were ctx's.
	if err := s.Jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	return nil
}

// Run starts the workers and serves HTTP on cfg.Listen until ctx ends,
// then shuts down gracefully.
func (s *Server) Run(ctx context.Context) error {
	if s.cfg.Role == "worker" {
		if err := s.StartJobs(ctx); err != nil {
			return err
		}
		s.logger.Info("ferry worker running", "client_id", s.clientID, "database", string(s.DB.Dialect()))
		<-ctx.Done()
		return s.stop()
	}
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Listen, err)
	}
	if err := s.StartJobs(ctx); err != nil {
		ln.Close()
		return err
	}
	s.http = &http.Server{}
	s.ConfigureHTTP(s.http)
	s.logger.Info("ferry listening", "role", s.cfg.Role, "address", ln.Addr().String(), "external_url", s.cfg.ExternalURL,
		"data", s.cfg.DataDir, "database", string(s.DB.Dialect()))
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	select {
	case err := <-errc:
		return errors.Join(err, s.Shutdown(context.Background()))
	case <-ctx.Done():
	}
	return s.stop()
}

// stop is Run's Shutdown once its context ended.
func (s *Server) stop() error {
	// The jobs' grace, then time for interrupted jobs to hand themselves
	// back and for HTTP to drain.
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace+20*time.Second)
	defer cancel()
	return s.Shutdown(ctx)
}

// DefaultShutdownGrace is how long a shutdown lets running jobs finish
// before it interrupts them.
const DefaultShutdownGrace = 10 * time.Second

// stopJobs stops the workers: running jobs get the shutdown grace to
// finish, then are interrupted and handed back: an interrupted job goes
// back to the queue and resumes, clean, at the next start (or on another
// worker).
func (s *Server) stopJobs(ctx context.Context) error {
	graceCtx, cancel := context.WithTimeout(ctx, s.cfg.ShutdownGrace)
	defer cancel()
	err := s.Jobs.Stop(graceCtx)
	if !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	s.logger.Info("jobs still running after the grace period: interrupting them; they resume at the next start")
	return s.Jobs.StopAndCancel(ctx)
}

// Shutdown stops HTTP and, at the same time, the workers: no new job
// starts while requests drain, and running jobs may finish (see
// stopJobs); then it closes the store. Only the first call does
// anything.
func (s *Server) Shutdown(ctx context.Context) error {
	var errs []error
	s.shutdown.Do(func() {
		s.logger.Info("shutting down: no new requests or jobs; running jobs may finish",
			"grace", s.cfg.ShutdownGrace.String(), "work", s.cfg.Work)
		jobsStopped := make(chan error, 1)
		go func() {
			if !s.cfg.Work {
				jobsStopped <- nil
				return
			}
			jobsStopped <- s.stopJobs(ctx)
		}()
		if s.http != nil {
			errs = append(errs, s.http.Shutdown(ctx))
		}
		errs = append(errs, <-jobsStopped)
		if s.stopBeat != nil {
			s.stopBeat()
			<-s.beatDone
		}
		errs = append(errs, s.stopScratch(), s.DB.Close())
	})
	return errors.Join(errs...)
}

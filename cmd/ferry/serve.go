package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/ferryhq/ferry/internal/correlation"
	"github.com/ferryhq/ferry/internal/server"
	"github.com/ferryhq/ferry/internal/store"
)

// memoryLimit is the default soft limit of the Go heap (GOMEMLIMIT
// overrides it): near it the garbage collector runs more often, so the
// garbage a big record leaves (one record may be 50 MB) is collected
// before the process grows past its 256 MB target.
const memoryLimit = 192 << 20

// serve is `ferry serve`: flags win over environment variables, which win
// over defaults.
func serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var cfg server.Config
	fs.StringVar(&cfg.Listen, "listen", env("FERRY_LISTEN", "127.0.0.1:8080"), "HTTP listen address (FERRY_LISTEN)")
	fs.StringVar(&cfg.DataDir, "data", env("FERRY_DATA", "./data"), "data folder (FERRY_DATA)")
	fs.StringVar(&cfg.DatabaseURL, "database", env("FERRY_DATABASE_URL", ""),
		"database: postgres:// URL or SQLite file; default <data>/ferry.db (FERRY_DATABASE_URL)")
	fs.StringVar(&cfg.ExternalURL, "external-url", env("FERRY_EXTERNAL_URL", ""),
		"base URL for links in answers; default http://<listen> (FERRY_EXTERNAL_URL)")
	fs.StringVar(&cfg.BlobsURL, "blobs", env("FERRY_BLOBS_URL", ""),
		"object store for archives, uploads and LFS objects: s3://bucket/prefix?endpoint=...&region=...; "+
			"default <data>/blobs (FERRY_BLOBS_URL; keys in FERRY_S3_ACCESS_KEY_ID, FERRY_S3_SECRET_ACCESS_KEY)")
	fs.StringVar(&cfg.S3Endpoint, "s3-endpoint", env("FERRY_S3_ENDPOINT", ""),
		"S3-compatible endpoint (path-style) for remote-import-s3; default AWS (FERRY_S3_ENDPOINT)")
	fs.StringVar(&cfg.ExtraCAFile, "ca-file", env("FERRY_CA_FILE", ""),
		"PEM file of CA certificates trusted for outbound https (remote imports, export uploads, S3), "+
			"on top of the system's (FERRY_CA_FILE)")
	fs.StringVar(&cfg.Role, "role", env("FERRY_ROLE", "all"),
		"what this process does: all, api (HTTP only) or worker (jobs only) (FERRY_ROLE)")
	fs.DurationVar(&cfg.StaleAfter, "worker-stale-after", envDuration("FERRY_WORKER_STALE_AFTER", 0),
		"hand a worker's running jobs to another after this long without its heartbeat; default 30s (FERRY_WORKER_STALE_AFTER)")
	fs.DurationVar(&cfg.Limits.BodyIdle, "body-idle-timeout", envDuration("FERRY_BODY_IDLE_TIMEOUT", 0),
		"end a request whose body sends nothing for this long; default 60s (FERRY_BODY_IDLE_TIMEOUT)")
	fs.DurationVar(&cfg.Limits.AnonymousBody, "anonymous-body-timeout", envDuration("FERRY_ANONYMOUS_BODY_TIMEOUT", 0),
		"time an unauthenticated request has to send its whole body; default 10s (FERRY_ANONYMOUS_BODY_TIMEOUT)")
	fs.DurationVar(&cfg.ShutdownGrace, "shutdown-grace", envDuration("FERRY_SHUTDOWN_GRACE", 0),
		"on SIGTERM, let running jobs finish for this long, then hand them back to the queue; default 10s (FERRY_SHUTDOWN_GRACE)")
	fs.DurationVar(&cfg.TransferTimeouts.Connect, "transfer-connect-timeout", envDuration("FERRY_TRANSFER_CONNECT_TIMEOUT", 0),
		"export uploads and remote-import downloads: time to connect; default 10s, GitLab's (FERRY_TRANSFER_CONNECT_TIMEOUT)")
	fs.DurationVar(&cfg.TransferTimeouts.Read, "transfer-read-timeout", envDuration("FERRY_TRANSFER_READ_TIMEOUT", 0),
		"time the peer has to answer, and to send each next piece of a download; default 20s (FERRY_TRANSFER_READ_TIMEOUT)")
	fs.DurationVar(&cfg.TransferTimeouts.Write, "transfer-write-timeout", envDuration("FERRY_TRANSFER_WRITE_TIMEOUT", 0),
		"time the peer has to take each next piece of an upload; default 30s (FERRY_TRANSFER_WRITE_TIMEOUT)")
	fs.IntVar(&cfg.MaxWorkers, "workers", envInt("FERRY_WORKERS", 0),
		"jobs (imports, exports, clean-ups) this process runs at once; default 4 (FERRY_WORKERS)")
	fs.IntVar(&cfg.MaxTransfers, "max-transfers", envInt("FERRY_MAX_TRANSFERS", 0),
		"uploads and downloads this process runs at once; default 2 of the 4 workers (FERRY_MAX_TRANSFERS)")
	logFormat := fs.String("log-format", env("FERRY_LOG_FORMAT", "text"), "log format: text or json (FERRY_LOG_FORMAT)")
	logLevel := fs.String("log-level", env("FERRY_LOG_LEVEL", "info"), "log level: debug, info, warn or error (FERRY_LOG_LEVEL)")
	pprofAddr := fs.String("pprof", env("FERRY_PPROF", ""),
		"serve Go's CPU and memory profiles at /debug/pprof/ on this loopback address, e.g. 127.0.0.1:6060; off by default (FERRY_PPROF)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := oneOf("--log-format", *logFormat, "text", "json"); err != nil {
		return err
	}
	if err := oneOf("--log-level", *logLevel, "debug", "info", "warn", "error"); err != nil {
		return err
	}
	if err := oneOf("--role", cfg.Role, "all", "api", "worker"); err != nil {
		return err
	}
	if *pprofAddr != "" {
		if err := checkPprofAddr(*pprofAddr); err != nil {
			return err
		}
	}
	if cfg.DatabaseURL != "" {
		if err := store.CheckURL(cfg.DatabaseURL); err != nil {
			return usagef("--database: %v", err)
		}
	}
	if cfg.ExternalURL != "" {
		if err := server.CheckExternalURL(cfg.ExternalURL); err != nil {
			return usagef("--external-url %v", err)
		}
	}
	cfg.RootToken = os.Getenv("FERRY_ROOT_TOKEN")
	cfg.SecretKey = os.Getenv("FERRY_SECRET_KEY")
	cfg.BlobsAccessKeyID = env("FERRY_S3_ACCESS_KEY_ID", os.Getenv("AWS_ACCESS_KEY_ID"))
	cfg.BlobsSecretAccessKey = env("FERRY_S3_SECRET_ACCESS_KEY", os.Getenv("AWS_SECRET_ACCESS_KEY"))
	cfg.Work = cfg.Role != "api"
	cfg.Logger = newLogger(*logFormat, *logLevel)
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	s, err := server.New(ctx, cfg)
	if err != nil {
		return err
	}
	if *pprofAddr != "" {
		if err := servePprof(ctx, *pprofAddr, cfg.Logger); err != nil {
			return err
		}
	}
	if s.RootTokenFile != "" {
		// The token itself stays out of the log, where collectors keep it.
		cfg.Logger.Info("created administrator root; its token is in a file only this user can read: "+
			"save it and delete the file (ferry reset-root-token makes a new one)", "username", "root", "file", s.RootTokenFile)
	}
	return s.Run(ctx)
}

func newLogger(format, level string) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lvl}
	var h slog.Handler = slog.NewTextHandler(os.Stderr, opts)
	if format == "json" {
		h = slog.NewJSONHandler(os.Stderr, opts)
	}
	return slog.New(correlation.NewHandler(h))
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}

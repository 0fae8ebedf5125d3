// Package servertest starts a real Ferry for end-to-end tests: server.New
// over a fresh store in the test's temporary folder, served by an
// httptest.Server, with job workers running, and a GitLab Go client
// holding root's token.
package servertest

import (
	"context"
	"encoding/pem"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	gitlab "gitlab.com/gitlab-org/api/client-go"

	"github.com/ferryhq/ferry/internal/jobs"
	"github.com/ferryhq/ferry/internal/server"
	"github.com/ferryhq/ferry/internal/ssrf"
	"github.com/ferryhq/ferry/internal/store/storetest"
)

// RootToken is the administrator's token in every test server.
const RootToken = "glpat-servertest-root-token"

// Env is a running test server.
type Env struct {
	Server *server.Server
	// URL is the server's base URL (also its external URL).
	URL string
	// Root is a GitLab client authenticated as root.
	Root *gitlab.Client
	// DataDir is the server's data folder.
	DataDir string
	// DatabaseURL is the server's database, to restart on it.
	DatabaseURL string
}

// Options change what Start does.
type Options struct {
	// DataDir reuses a data folder (to restart a server); default a new one.
	DataDir string
	// DatabaseURL reuses a database; default a new one from storetest.
	DatabaseURL string
	// NoWork starts the server without job workers.
	NoWork bool
	// S3Endpoint is the S3-compatible server for remote-import-s3.
	S3Endpoint string
	// CAFile is a PEM file of CA certificates the server trusts for its
	// outbound https, such as CAFile(t, upstream) or an s3test server's.
	CAFile string
	// BlobsURL keeps stored files in an object store reached with
	// BlobsKeys (access key id, secret).
	BlobsURL  string
	BlobsKeys [2]string
	// Limits bound connections and bodies (zero: the defaults).
	Limits server.Limits
	// TransferTimeouts bound uploads and downloads (zero: GitLab's).
	TransferTimeouts ssrf.Timeouts
	// ShutdownGrace is how long the stop at the test's end lets running
	// jobs finish (zero: the default).
	ShutdownGrace time.Duration
}

// Start runs a server for t with default options.
func Start(t testing.TB) *Env { return StartWith(t, Options{}) }

// StartWith runs a server for t; it is shut down when t ends.
func StartWith(t testing.TB, opts Options) *Env {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	if opts.DatabaseURL == "" {
		opts.DatabaseURL = storetest.URL(t)
	}
	ts := httptest.NewUnstartedServer(nil)
	url := "http://" + ts.Listener.Addr().String()
	ctx := context.Background()
	s, err := server.New(ctx, server.Config{
		DataDir: opts.DataDir, DatabaseURL: opts.DatabaseURL, ExternalURL: url,
		RootToken: RootToken, Work: !opts.NoWork, Logger: Logger(t), RetryPolicy: jobs.QuickRetries{},
		S3Endpoint: opts.S3Endpoint, ExtraCAFile: opts.CAFile, BlobsURL: opts.BlobsURL,
		BlobsAccessKeyID: opts.BlobsKeys[0], BlobsSecretAccessKey: opts.BlobsKeys[1], Limits: opts.Limits,
		TransferTimeouts: opts.TransferTimeouts, ShutdownGrace: opts.ShutdownGrace,
	})
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	s.ConfigureHTTP(ts.Config)
	ts.Start()
	if err := s.StartJobs(ctx); err != nil {
		t.Fatalf("start jobs: %v", err)
	}
	t.Cleanup(func() {
		ts.Close()
		if err := s.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return &Env{Server: s, URL: url, DataDir: opts.DataDir, DatabaseURL: opts.DatabaseURL, Root: Client(t, url, RootToken)}
}

// CAFile writes the certificate of each TLS test server to a PEM file in
// t's temporary folder and returns its path, for Options.CAFile.
func CAFile(t testing.TB, servers ...*httptest.Server) string {
	t.Helper()
	var b []byte
	for _, ts := range servers {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})...)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// QueueGroupImport asks e, started with Options.NoWork, to import a group
// at path (named name) through the GitLab client, and returns the group.
// The archive is bytes no worker reads: the import stays scheduled.
func (e *Env) QueueGroupImport(t testing.TB, name, path string) *gitlab.Group {
	t.Helper()
	archive := filepath.Join(t.TempDir(), "group.tar.gz")
	if err := os.WriteFile(archive, []byte("never read: no worker runs"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Root.GroupImportExport.ImportFile(&gitlab.GroupImportFileOptions{Name: gitlab.Ptr(name),
		Path: gitlab.Ptr(path), File: gitlab.Ptr(archive)}); err != nil {
		t.Fatal(err)
	}
	g, _, err := e.Root.Groups.GetGroup(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Client returns a GitLab client for the server at url holding token, with
// the client's retries off so that tests see every answer.
func Client(t testing.TB, url, token string) *gitlab.Client {
	t.Helper()
	c, err := gitlab.NewClient(token, gitlab.WithBaseURL(url+"/api/v4"), gitlab.WithoutRetries())
	if err != nil {
		t.Fatalf("gitlab client: %v", err)
	}
	return c
}

// Logger returns a logger that writes to t's log until t ends.
func Logger(t testing.TB) *slog.Logger {
	h := &testHandler{t: t}
	t.Cleanup(func() { h.done.Store(true) })
	return slog.New(slog.NewTextHandler(h, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testHandler struct {
	t    testing.TB
	done atomic.Bool
}

func (h *testHandler) Write(p []byte) (int, error) {
	if !h.done.Load() {
		h.t.Log(string(p))
	}
	return len(p), nil
}

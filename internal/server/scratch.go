package server

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/ferryhq/ferry/internal/blob/s3blob"
	"github.com/ferryhq/ferry/internal/scratch"
)

// staleUploadAge is when an object store's unfinished multipart upload is
// surely abandoned: a Commit runs inside a job attempt, which ends within
// a day.
const staleUploadAge = 24 * time.Hour

// claimScratch claims this process's scratch folders and returns their
// paths: <data>/tmp/proc-<id> for job work folders and spooled blobs, and,
// with blobs in the data folder, <data>/blobs/.tmp/proc-<id> for blobs
// being written (on the blobs' filesystem, so that a commit is a rename;
// "" otherwise).
func (s *Server) claimScratch() (tmp, blobTmp string, err error) {
	roots := []string{filepath.Join(s.cfg.DataDir, "tmp")}
	if s.cfg.BlobsURL == "" {
		roots = append(roots, filepath.Join(s.cfg.DataDir, "blobs", ".tmp"))
	}
	paths := make([]string, 2)
	for i, root := range roots {
		d, err := scratch.Claim(root, s.clientID)
		if err != nil {
			return "", "", errors.Join(err, s.releaseScratch())
		}
		s.scratch = append(s.scratch, d)
		paths[i] = d.Path
	}
	return paths[0], paths[1], nil
}

// startSweeper sweeps the scratch roots once, before any job of this
// process runs, and then every cfg.SweepEvery until Shutdown. With blobs
// in an object store, each sweep also aborts the multipart uploads a
// crash left unfinished.
func (s *Server) startSweeper(ctx context.Context) {
	logger := s.logger.With("component", "scratch")
	sw := &scratch.Sweeper{Every: s.cfg.SweepEvery, Logger: logger}
	for _, d := range s.scratch {
		sw.Roots = append(sw.Roots, filepath.Dir(d.Path))
	}
	if st, ok := s.Blobs.(*s3blob.Store); ok {
		sw.After = func(ctx context.Context) { abortStaleUploads(ctx, st, logger) }
	}
	sw.Sweep(ctx)
	sweepCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stopSweep, s.sweepDone = stop, make(chan struct{})
	go func() {
		defer close(s.sweepDone)
		sw.Run(sweepCtx)
	}()
}

// stopScratch stops the sweeper and removes this process's scratch
// folders.
func (s *Server) stopScratch() error {
	if s.stopSweep != nil {
		s.stopSweep()
		<-s.sweepDone
	}
	return s.releaseScratch()
}

func (s *Server) releaseScratch() error {
	var errs []error
	for _, d := range s.scratch {
		errs = append(errs, d.Release())
	}
	s.scratch = nil
	return errors.Join(errs...)
}

// abortStaleUploads aborts st's multipart uploads older than
// staleUploadAge.
func abortStaleUploads(ctx context.Context, st *s3blob.Store, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	n, err := st.AbortUploadsBefore(ctx, time.Now().Add(-staleUploadAge))
	if err != nil {
		logger.WarnContext(ctx, "abort unfinished multipart uploads", "error", err)
	}
	if n > 0 {
		logger.InfoContext(ctx, "aborted unfinished multipart uploads left by a crash", "uploads", n)
	}
}

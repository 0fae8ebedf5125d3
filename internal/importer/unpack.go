package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/progress"
)

// unpack extracts the import's archive into work/archive and checks its
// version; fetched is called once a remote archive is downloaded. Archive
// problems are permanent failures with GitLab's messages.
func (w *Worker) unpack(ctx context.Context, im *ferry.Import, work string, settings ferry.Settings,
	prog *progress.Recorder, fetched func()) (string, error) {
	src, err := w.open(ctx, im, work, settings, prog)
	fetched()
	if err != nil {
		return "", err
	}
	defer src.Close()
	dir := filepath.Join(work, "archive")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", err
	}
	prog.Step(ctx, StepExtracting, "", 0, 0, sizeOf(src))
	_, err = w.extract(ctx, im, prog.Reader(ctx, src), dir, settings)
	prog.Flush(ctx) // how far extraction got, also when it failed
	if err != nil {
		return "", err
	}
	return dir, checkVersion(dir)
}

// checkVersion checks the extracted archive's VERSION, as GitLab does
// before anything is imported.
func checkVersion(dir string) error { return checkArchiveVersion(dir, "project") }

// checkArchiveVersion is checkVersion for a kind of export ("project",
// "group").
func checkArchiveVersion(dir, kind string) error {
	if err := archive.CheckVersion(dir); errors.Is(err, fs.ErrNotExist) {
		return permanent(fmt.Errorf("The archive has no VERSION file; it is not a GitLab %s export", kind))
	} else if err != nil {
		return permanent(err)
	}
	return nil
}

// sizeOf is the archive's size, 0 when unknown.
func sizeOf(src io.Reader) int64 {
	switch s := src.(type) {
	case interface{ Size() int64 }:
		return s.Size()
	case *os.File:
		if info, err := s.Stat(); err == nil {
			return info.Size()
		}
	}
	return 0
}

// extract extracts the archive within the limits of the settings: the
// decompressed size (max_decompressed_archive_size, MiB) and the time
// (decompress_archive_file_timeout, seconds; 0 is no limit, as in GitLab).
// GitLab fails an import that passes either with the same message, as its
// size check, which decompresses the archive, runs under that timeout.
// Extract removes what it wrote when it fails.
func (w *Worker) extract(ctx context.Context, im *ferry.Import, src io.Reader, dir string,
	settings ferry.Settings) (archive.Manifest, error) {
	return extractArchive(ctx, w.Logger.With("project_id", im.ProjectID), src, dir, settings)
}

// extractArchive is the extraction project and group imports share.
func extractArchive(ctx context.Context, logger *slog.Logger, src io.Reader, dir string,
	settings ferry.Settings) (archive.Manifest, error) {
	xctx := ctx
	if timeout := ferry.Seconds(settings.DecompressArchiveFileTimeout); timeout > 0 {
		var cancel context.CancelFunc
		xctx, cancel = context.WithTimeoutCause(ctx, timeout, errDecompressTimeout)
		defer cancel()
	}
	lim := archive.Limits{MaxDecompressed: ferry.MiB(settings.MaxDecompressedArchiveSize)}
	m, err := archive.Extract(xctx, src, dir, lim)
	switch {
	case err == nil:
		return m, nil
	case ctx.Err() != nil:
		return m, err // the job stops: not the archive's fault
	case errors.Is(context.Cause(xctx), errDecompressTimeout):
		logger.WarnContext(ctx, fmt.Sprintf("Timeout of %d seconds reached during archive decompression",
			settings.DecompressArchiveFileTimeout))
		return m, permanent(errSizeValidation)
	case errors.Is(err, archive.ErrTooLarge):
		return m, permanent(errSizeValidation)
	}
	return m, permanent(fmt.Errorf("Unable to decompress the archive: %w", err))
}

var (
	errSizeValidation    = errors.New("Decompressed archive size validation failed.") //nolint:staticcheck // GitLab's message
	errDecompressTimeout = errors.New("decompress_archive_file_timeout reached")
)

// open returns the archive: the uploaded blob, or a remote source fetched
// into the work folder.
func (w *Worker) open(ctx context.Context, im *ferry.Import, work string, settings ferry.Settings,
	prog *progress.Recorder) (io.ReadCloser, error) {
	if im.Source == ferry.SourceFile || im.Source == "" {
		obj, err := w.Blobs.Open(ctx, im.UploadKey)
		if err != nil {
			return nil, permanent(fmt.Errorf("the uploaded archive is gone: %w", err))
		}
		return obj, nil
	}
	fetcher, ok := w.Fetchers[im.Source]
	if !ok {
		return nil, permanent(fmt.Errorf("unknown import source %q", im.Source))
	}
	prog.Step(ctx, StepDownloading, "", 0, 0, 0)
	f, err := os.OpenFile(filepath.Join(work, "download.tar.gz"), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	err = fetcher.Fetch(ctx, *im, prog.Writer(ctx, f), ferry.MiB(settings.MaxImportRemoteFileSize))
	prog.Flush(ctx)
	if err != nil {
		f.Close()
		var final interface{ Permanent() bool }
		if errors.As(err, &final) && final.Permanent() {
			return nil, permanent(err)
		}
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

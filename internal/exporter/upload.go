package exporter

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/jobs"
	"github.com/ferryhq/ferry/internal/ssrf"
)

// sendArchive uploads e's archive in one of the process's transfer slots.
// When no slot is free, or a shutdown interrupts the upload, the job goes
// back to the queue (without spending an attempt) and the archive is sent
// again, whole, when the job runs next.
func (w *Worker) sendArchive(ctx context.Context, e *ferry.Export, logger *slog.Logger) error {
	if !w.Transfers.TryTake() {
		return jobs.Busy()
	}
	defer w.Transfers.Release()
	if err := w.upload(ctx, e, logger); jobs.Interrupted(ctx, err) {
		logger.WarnContext(ctx, "export upload interrupted by a shutdown; it is sent again at the next start")
		return jobs.Resume()
	}
	return nil
}

// upload sends the finished archive to the export's upload URL, as GitLab's
// web upload strategy: the raw archive as the body of a PUT or POST with
// Content-Type application/gzip and Content-Length, streamed from
// storage; any 2xx is success. A failure is not retried. Unlike GitLab, the
// outcome is recorded on the export (upload_status, upload_error). An
// upload that ctx interrupted is recorded pending again and its error
// returned; other errors are recorded and nil is returned.
func (w *Worker) upload(ctx context.Context, e *ferry.Export, logger *slog.Logger) error {
	e.UploadStatus, e.UploadError = ferry.UploadStarted, ""
	if err := w.DB.UpdateExport(ctx, e); err != nil {
		logger.ErrorContext(ctx, "record upload start", "error", err)
	}
	err := w.send(ctx, e)
	interrupted := jobs.Interrupted(ctx, err)
	switch {
	case interrupted:
		e.UploadStatus = ferry.UploadPending
	case err != nil:
		e.UploadStatus, e.UploadError = ferry.UploadFailed, err.Error()
		logger.WarnContext(ctx, "export upload failed", "error", err)
	default:
		e.UploadStatus = ferry.UploadFinished
		logger.InfoContext(ctx, "export uploaded", "bytes", e.FileSize)
	}
	if err := w.DB.UpdateExport(context.WithoutCancel(ctx), e); err != nil {
		logger.ErrorContext(ctx, "record upload result", "error", err)
	}
	if interrupted {
		return err
	}
	return nil
}

// send does the request, bounded by the policy's timeouts: the peer must
// take each next piece of the archive within Timeouts.Write and answer
// within Timeouts.Read. Its errors never carry the URL's query string (a
// pre-signed URL's signature).
func (w *Worker) send(ctx context.Context, e *ferry.Export) error {
	raw, err := w.Box.Open(e.UploadURL)
	if err != nil {
		return fmt.Errorf("upload URL: %w", err)
	}
	policy, err := w.Outbound(ctx)
	if err != nil {
		return err
	}
	target, err := policy.CheckURL(ctx, raw)
	if err != nil {
		return err
	}
	obj, err := w.Blobs.Open(ctx, e.FileKey)
	if err != nil {
		return err
	}
	defer obj.Close()
	prog := w.recorder(e)
	prog.Step(ctx, StepUploading, "", 0, 0, obj.Size())
	defer prog.Flush(ctx)
	limits := policy.Timeouts.OrDefault()
	watch := ssrf.NewWatch(ctx)
	defer watch.Stop()
	watch.Expect("upload: the server took no data", limits.Write)
	req, err := http.NewRequestWithContext(watch.Context(), e.UploadMethod, target.String(), watch.Body(prog.Reader(ctx, obj)))
	if err != nil {
		return fmt.Errorf("upload to %s: %w", ssrf.Redact(target), err)
	}
	req.ContentLength = obj.Size()
	req.Header.Set("Content-Type", "application/gzip")
	resp, err := policy.Client(0).Do(req)
	if err != nil {
		return watch.Stalled(ssrf.RedactError(err))
	}
	defer resp.Body.Close()
	watch.Expect("upload: the server's answer stopped", limits.Read)
	_, _ = io.Copy(io.Discard, io.LimitReader(watch.Reader(resp.Body), 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("Error uploading the project. Code %d: %s", resp.StatusCode, reason(resp.Status))
	}
	return nil
}

// reason is the reason phrase of a status line ("403 Forbidden" →
// "Forbidden").
func reason(status string) string {
	_, phrase, _ := strings.Cut(status, " ")
	return phrase
}

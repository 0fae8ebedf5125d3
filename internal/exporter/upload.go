package exporter

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/ssrf"
)

// upload sends the finished archive to the export's upload URL, as GitLab's
// web upload strategy: the raw archive as the body of a PUT or POST with
// Content-Type application/gzip and Content-Length, streamed from
// storage; any 2xx is success. It is not retried. Unlike GitLab, the
// outcome is recorded on the export (upload_status, upload_error).
func (w *Worker) upload(ctx context.Context, e *ferry.Export, logger *slog.Logger) {
	e.UploadStatus, e.UploadError = ferry.UploadStarted, ""
	if err := w.DB.UpdateExport(ctx, e); err != nil {
		logger.ErrorContext(ctx, "record upload start", "error", err)
	}
	err := w.send(ctx, e)
	e.UploadStatus = ferry.UploadFinished
	if err != nil {
		e.UploadStatus, e.UploadError = ferry.UploadFailed, err.Error()
		logger.WarnContext(ctx, "export upload failed", "error", err)
	} else {
		logger.InfoContext(ctx, "export uploaded", "bytes", e.FileSize)
	}
	if err := w.DB.UpdateExport(ctx, e); err != nil {
		logger.ErrorContext(ctx, "record upload result", "error", err)
	}
}

// send does the request. Its errors never carry the URL's query string
// (a pre-signed URL's signature).
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
	req, err := http.NewRequestWithContext(ctx, e.UploadMethod, target.String(), io.NopCloser(prog.Reader(ctx, obj)))
	if err != nil {
		return fmt.Errorf("upload to %s: %w", ssrf.Redact(target), err)
	}
	req.ContentLength = obj.Size()
	req.Header.Set("Content-Type", "application/gzip")
	resp, err := policy.Client(0).Do(req)
	if err != nil {
		return ssrf.RedactError(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
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

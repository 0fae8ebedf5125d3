package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ferryhq/ferry"
)

// ErrExportFailed is returned when the server reports the export failed.
var ErrExportFailed = errors.New("the export failed on the server")

// ExportStatus is GET /projects/:id/export.
type ExportStatus struct {
	ID                int64           `json:"id"`
	PathWithNamespace string          `json:"path_with_namespace"`
	Status            string          `json:"export_status"`
	Progress          *ferry.Progress `json:"progress,omitempty"` // Ferry's
}

// ScheduleExport asks for a new export of project (an id or a full path):
// POST /projects/:id/export.
func (c *Client) ScheduleExport(ctx context.Context, project string) error {
	return c.call(ctx, http.MethodPost, "/projects/"+ProjectID(project)+"/export", nil)
}

// Export reads the export's status.
func (c *Client) Export(ctx context.Context, project string) (ExportStatus, error) {
	var st ExportStatus
	return st, c.call(ctx, http.MethodGet, "/projects/"+ProjectID(project)+"/export", &st)
}

// WaitExport reads the export's status until it is finished, calling
// seen with each. It returns ErrExportFailed when the server says failed,
// or still says none (older GitLab, before its worker starts) after
// Client.NoExport.
func (c *Client) WaitExport(ctx context.Context, project string, seen func(ExportStatus)) (ExportStatus, error) {
	read := func() (ExportStatus, error) { return c.Export(ctx, project) }
	start := time.Now()
	return poll(ctx, c, read, seen, func(st ExportStatus) (string, error) {
		if st.Status == "none" && time.Since(start) > c.NoExport {
			return "failed", fmt.Errorf("%w: the server shows no export %s after it was asked for one; "+
				"check its background jobs (Sidekiq), then export again", ErrExportFailed, c.NoExport)
		}
		return st.Status, fmt.Errorf("%w (%s): ask its administrator, then export again", ErrExportFailed, st.PathWithNamespace)
	})
}

// poll reads a job's status until it is finished or failed, calling seen
// with each, and waiting Poll, growing to MaxPoll, between two reads.
// state gives a status's state and the error it is when failed.
func poll[T any](ctx context.Context, c *Client, read func() (T, error), seen func(T), state func(T) (string, error)) (T, error) {
	wait := c.Poll
	for {
		v, err := read()
		if err != nil {
			return v, err
		}
		seen(v)
		switch s, failed := state(v); s {
		case "finished":
			return v, nil
		case "failed":
			return v, failed
		}
		if err := sleep(ctx, wait); err != nil {
			return v, err
		}
		wait = min(wait*3/2, c.MaxPoll)
	}
}

// call sends a request without a body and decodes a JSON answer into out
// (nil: the answer is dropped).
func (c *Client) call(ctx context.Context, method, path string, out any) error {
	_, err := c.request(ctx, method, path, nil, out)
	return err
}

// request sends a request, with form as its body unless nil, decodes a
// JSON answer into out (nil: the answer is dropped) and returns the
// answer's headers.
func (c *Client) request(ctx context.Context, method, path string, form url.Values, out any) (http.Header, error) {
	resp, err := c.send(ctx, func(ctx context.Context) (*http.Request, error) {
		if form == nil {
			return http.NewRequestWithContext(ctx, method, c.base+path, nil)
		}
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		return req, err
	})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return resp.Header, nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(out); err != nil {
		return nil, fmt.Errorf("%s %s: unexpected answer: %w", method, strings.SplitN(path, "?", 2)[0], err)
	}
	return resp.Header, nil
}

// ExportArchive schedules an export of project, waits for it (telling
// seen each status) and downloads it (see DownloadExport): the whole of
// moving a project's archive off a server. It returns the file's name.
func (c *Client) ExportArchive(ctx context.Context, project string, opt Download, seen func(ExportStatus)) (string, error) {
	if err := c.ScheduleExport(ctx, project); err != nil {
		return "", err
	}
	if _, err := c.WaitExport(ctx, project, seen); err != nil {
		return "", err
	}
	return c.DownloadExport(ctx, project, opt)
}

package remote

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrNoStatus is returned by GroupExport and GroupImportOf when the
// server has no status route for group jobs: GitLab, which says nothing
// of a group export but through its download, and nothing of a group
// import from a file at all.
var ErrNoStatus = errors.New("the server gives no status of group jobs")

// GitLab's answers to GET /groups/:id/export/download that are no file:
// the export is being written, or there is none (not started yet,
// failed, or expired).
const (
	msgExportNotReady = "The group export file is not available yet"
	msgExportNone     = "Not found or has expired"
)

// GroupExportStatus is Ferry's GET /ferry/groups/:id/export: none,
// queued, started, finished or failed, and why it failed.
type GroupExportStatus struct {
	Status string `json:"export_status"`
	Error  string `json:"export_error"`
}

// ScheduleGroupExport asks for a new export of group (an id or a full
// path): POST /groups/:id/export.
func (c *Client) ScheduleGroupExport(ctx context.Context, group string) error {
	_, err := c.scheduleGroupExport(ctx, group)
	return err
}

// scheduleGroupExport asks for an export and returns when the server
// took the request (its Date; zero when it gives none).
func (c *Client) scheduleGroupExport(ctx context.Context, group string) (time.Time, error) {
	h, err := c.request(ctx, http.MethodPost, "/groups/"+ProjectID(group)+"/export", nil, nil)
	if err != nil {
		return time.Time{}, err
	}
	at, _ := http.ParseTime(h.Get("Date"))
	return at, nil
}

// GroupExport reads Ferry's status of group's export. Since a group that
// cannot be seen has no export to schedule either, a 404 after a
// successful ScheduleGroupExport means the route is missing: it returns
// ErrNoStatus (wrapping the 404) then.
func (c *Client) GroupExport(ctx context.Context, group string) (GroupExportStatus, error) {
	var st GroupExportStatus
	err := c.call(ctx, http.MethodGet, "/ferry/groups/"+ProjectID(group)+"/export", &st)
	if errors.Is(err, ErrNotFound) {
		return st, fmt.Errorf("%w: %w", ErrNoStatus, err)
	}
	return st, err
}

// DownloadGroupExport downloads group's finished export as DownloadExport
// downloads a project's (resumed, verified, renamed). While the server
// writes the export it is a 404 *APIError saying so.
func (c *Client) DownloadGroupExport(ctx context.Context, group string, opt Download) (string, error) {
	fallback := strings.ReplaceAll(strings.Trim(group, "/"), "/", "_") + "_group_export.tar.gz"
	return c.downloadArchive(ctx, "/groups/"+ProjectID(group)+"/export/download", fallback, opt)
}

// ExportGroupArchive schedules an export of group, waits for it (telling
// seen each status) and downloads it, returning the file's name. From
// Ferry it follows the status route; from GitLab, which has none, it
// asks for the download until it is the file (see awaitGroupDownload).
// It returns ErrExportFailed (wrapped) when the export failed, or never
// appeared.
func (c *Client) ExportGroupArchive(ctx context.Context, group string, opt Download, seen func(GroupExportStatus)) (string, error) {
	scheduled, err := c.scheduleGroupExport(ctx, group)
	if err != nil {
		return "", err
	}
	_, err = c.GroupExport(ctx, group)
	switch {
	case errors.Is(err, ErrNoStatus):
		opt.since = scheduled
		return c.awaitGroupDownload(ctx, group, opt, seen)
	case err != nil:
		return "", err
	}
	start := time.Now()
	read := func() (GroupExportStatus, error) { return c.GroupExport(ctx, group) }
	_, err = poll(ctx, c, read, seen, func(st GroupExportStatus) (string, error) {
		if st.Status == "none" && time.Since(start) > c.NoExport {
			return "failed", fmt.Errorf("%w: group %s shows no export %s after it was asked for one", ErrExportFailed, group, c.NoExport)
		}
		why := st.Error
		if why == "" {
			why = "no reason given"
		}
		return st.Status, fmt.Errorf("%w: group %s: %s", ErrExportFailed, group, why)
	})
	if err != nil {
		return "", err
	}
	return c.DownloadGroupExport(ctx, group, opt)
}

// awaitGroupDownload asks for group's export file until the server gives
// it, as GitLab must be followed: 404 "not available yet" while the
// export is written, "404 Not found or has expired" before its worker
// starts (for at most NoExport) and after it failed (once it was seen
// being written). Until its worker starts, GitLab still serves an
// earlier export: a file last modified before opt.since (when the
// export was asked for) is dropped and asked for again. Each ask counts
// against GitLab's download limit (one a minute by default), whose 429s
// wait out their Retry-After. It gives up after GroupWait.
func (c *Client) awaitGroupDownload(ctx context.Context, group string, opt Download, seen func(GroupExportStatus)) (string, error) {
	start, running, wait := time.Now(), false, c.Poll
	for {
		file, err := c.DownloadGroupExport(ctx, group, opt)
		var ae *APIError
		switch {
		case err == nil:
			seen(GroupExportStatus{Status: "finished"})
			return file, nil
		case ctx.Err() != nil:
			return "", ctx.Err()
		case errors.Is(err, errStale) && !running && time.Since(start) <= c.NoExport:
			seen(GroupExportStatus{Status: "queued"})
		case errors.Is(err, errStale):
			return "", fmt.Errorf("%w: group %s: the server still gives an earlier export (%v)", ErrExportFailed, group, err)
		case !errors.As(err, &ae) || ae.Status != http.StatusNotFound:
			return "", err
		case strings.Contains(ae.Message, msgExportNotReady):
			running = true
			seen(GroupExportStatus{Status: "started"})
		case !strings.Contains(ae.Message, msgExportNone):
			return "", err
		case running:
			return "", fmt.Errorf("%w: group %s: the export file went away while it was written "+
				"(the server's export log says why)", ErrExportFailed, group)
		case time.Since(start) > c.NoExport:
			return "", fmt.Errorf("%w: group %s shows no export %s after it was asked for one; "+
				"check its background jobs (Sidekiq), then export again", ErrExportFailed, group, c.NoExport)
		default:
			seen(GroupExportStatus{Status: "queued"})
		}
		if time.Since(start) > c.GroupWait {
			return "", fmt.Errorf("%w: group %s: no export file after %s (the server gives no status of "+
				"group exports; raise the wait or look at its background jobs)", ErrExportFailed, group, c.GroupWait)
		}
		if err := sleep(ctx, wait); err != nil {
			return "", err
		}
		wait = min(wait*3/2, c.MaxPoll)
	}
}

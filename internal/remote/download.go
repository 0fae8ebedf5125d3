package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhq/ferry/internal/archive"
)

// ErrNotAnArchive is returned when a download is not a GitLab export
// archive (a gzip-compressed tar holding VERSION).
var ErrNotAnArchive = errors.New("the download is not a GitLab export archive")

// Download says where DownloadExport writes and whom it tells.
type Download struct {
	// Out is the file to write. Empty: the server's file name
	// (Content-Disposition: GitLab's export file name) in Dir.
	Out, Dir string
	// Bytes, if set, is told how far the download is (total -1 when
	// unknown).
	Bytes func(done, total int64)
	// since, if set, refuses a file last modified before it (errStale):
	// an earlier export the server still serves.
	since time.Time
}

// DownloadExport downloads project's finished export into a temporary
// file beside its destination, resuming with Range after a dropped
// connection (and waiting out the server's download rate limit),
// verifies that it is a whole gzip-compressed tar holding VERSION, then
// renames it to its name, which it returns. Nothing is left behind when
// it fails or ctx ends. It returns ErrNotAnArchive (wrapped) when the
// file is not an export archive.
func (c *Client) DownloadExport(ctx context.Context, project string, opt Download) (string, error) {
	fallback := strings.ReplaceAll(strings.Trim(project, "/"), "/", "_") + "_export.tar.gz"
	return c.downloadArchive(ctx, "/projects/"+ProjectID(project)+"/export/download", fallback, opt)
}

// downloadArchive downloads the export archive at path (of the API) as
// DownloadExport says, naming it fallback when the server gives no name.
func (c *Client) downloadArchive(ctx context.Context, path, fallback string, opt Download) (string, error) {
	dir := opt.Dir
	if opt.Out != "" {
		dir = filepath.Dir(opt.Out)
	}
	f, err := os.CreateTemp(dir, ".ferry-export-*.partial")
	if err != nil {
		return "", fmt.Errorf("download: %w", err)
	}
	kept := false
	defer func() {
		if !kept {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	d := &download{c: c, path: path, f: f, total: -1, bytes: opt.Bytes, since: opt.since}
	if err := d.run(ctx); err != nil {
		return "", err
	}
	if err := verify(ctx, f); err != nil {
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("download: %w", err)
	}
	out := opt.Out
	if out == "" {
		out = filepath.Join(dir, exportName(d.name, fallback))
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return "", fmt.Errorf("download: %w", err)
	}
	kept = true
	return out, nil
}

// verify reads the downloaded file through as an import would extract
// it, writing nothing.
func verify(ctx context.Context, f *os.File) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	m, err := archive.Check(ctx, f, archive.Limits{})
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		return fmt.Errorf("%w: %v", ErrNotAnArchive, err)
	case !m.HasVersion:
		return fmt.Errorf("%w: it has no VERSION file", ErrNotAnArchive)
	}
	return nil
}

// exportName is the file name the server gave, made safe, or fallback.
func exportName(given, fallback string) string {
	given = filepath.Base(strings.ReplaceAll(given, "\\", "/"))
	if given == "." || given == "/" || given == ".." || strings.HasPrefix(given, ".") || given == "" {
		return fallback
	}
	return given
}

// download is one file being downloaded into f.
type download struct {
	c           *Client
	path        string
	f           *os.File
	done, total int64 // total -1: unknown
	name, etag  string
	bytes       func(done, total int64)
	since       time.Time
}

// run downloads until the whole file is in f, resuming after a dropped
// connection or a short answer.
func (d *download) run(ctx context.Context) error {
	for drops := 0; ; {
		resp, err := d.c.send(ctx, d.request)
		if err != nil {
			return err
		}
		err = d.start(resp)
		if err == nil {
			err = d.copy(resp.Body)
		}
		resp.Body.Close()
		switch {
		case err == nil && (d.total < 0 || d.done == d.total):
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, errResume), errors.Is(err, errStale), errors.As(err, new(*fs.PathError)): // or the disk
			return err
		case err == nil:
			err = io.ErrUnexpectedEOF
		}
		if drops++; drops > d.c.Retries {
			return fmt.Errorf("download: %w (after %d resumes)", err, drops-1)
		}
		wait := d.c.backoff(drops)
		d.c.log.WarnContext(ctx, "download interrupted, resuming", "at_byte", d.done, "error", err, "wait", wait)
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

var (
	errResume = errors.New("download: the server cannot resume the download")
	errStale  = errors.New("download: the server gives an earlier export")
)

// request asks for the rest of the file.
func (d *download) request(ctx context.Context) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.c.base+d.path, nil)
	if err != nil {
		return nil, err
	}
	// The file's own bytes, never a compressed transfer that the client
	// would decode: offsets must count the file.
	req.Header.Set("Accept-Encoding", "identity")
	if d.done > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(d.done, 10)+"-")
		if d.etag != "" {
			req.Header.Set("If-Range", d.etag)
		}
	}
	return req, nil
}

// start reads an answer's headers: a 206 continues the file, a 200
// starts it over.
func (d *download) start(resp *http.Response) error {
	if d.name == "" {
		if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
			d.name = params["filename"]
		}
	}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, total, ok := contentRange(resp.Header.Get("Content-Range"))
		if !ok || start != d.done {
			return fmt.Errorf("%w: it answered bytes %q for bytes=%d-", errResume, resp.Header.Get("Content-Range"), d.done)
		}
		d.total = total
		return nil
	case http.StatusOK:
		if modified, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil && modified.Before(d.since) {
			return fmt.Errorf("%w (of %s)", errStale, resp.Header.Get("Last-Modified"))
		}
		if err := d.f.Truncate(0); err != nil {
			return err
		}
		if _, err := d.f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		d.done, d.total = 0, resp.ContentLength
		if etag := resp.Header.Get("ETag"); !strings.HasPrefix(etag, "W/") {
			d.etag = etag
		}
		return nil
	}
	return fmt.Errorf("download: unexpected answer %s", resp.Status)
}

// contentRange reads "bytes START-END/TOTAL" (TOTAL "*": -1).
func contentRange(v string) (start, total int64, ok bool) {
	v, found := strings.CutPrefix(v, "bytes ")
	rng, size, found2 := strings.Cut(v, "/")
	from, _, found3 := strings.Cut(rng, "-")
	if !found || !found2 || !found3 {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(from, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if size == "*" {
		return start, -1, true
	}
	total, err = strconv.ParseInt(size, 10, 64)
	return start, total, err == nil
}

// copy appends body to the file, counting.
func (d *download) copy(body io.Reader) error {
	buf := make([]byte, 256<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if _, werr := d.f.Write(buf[:n]); werr != nil {
				return fmt.Errorf("download: %w", werr)
			}
			d.done += int64(n)
			if d.bytes != nil {
				d.bytes(d.done, d.total)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

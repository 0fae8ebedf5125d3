package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"

	"github.com/ferryhq/ferry"
)

// ErrImportFailed is returned when the server reports the import failed.
var ErrImportFailed = errors.New("the import failed")

// Import is what an import is asked to do.
type Import struct {
	Namespace, Path, Name string
	Overwrite             bool
	// Override are the override_params (project attributes).
	Override map[string]string
	// Bytes, if set, is told how far the upload is.
	Bytes func(done, total int64)
	// Accepted, if set, is told ImportArchive's new project once the
	// server accepted the upload, before the wait.
	Accepted func(ImportStatus)
}

// ImportStatus is GET /projects/:id/import (and the answer to POST
// /projects/import).
type ImportStatus struct {
	ID                int64            `json:"id"`
	PathWithNamespace string           `json:"path_with_namespace"`
	Status            string           `json:"import_status"`
	Error             *string          `json:"import_error"`
	FailedRelations   []FailedRelation `json:"failed_relations"`
	Stats             json.RawMessage  `json:"stats"`
	Progress          *ferry.Progress  `json:"progress,omitempty"` // Ferry's
}

// FailedRelation is an entry of failed_relations.
type FailedRelation struct {
	RelationName     string  `json:"relation_name"`
	LineNumber       int     `json:"line_number"`
	ExceptionClass   string  `json:"exception_class"`
	ExceptionMessage *string `json:"exception_message"`
}

// Counts reads stats as Ferry writes it (records read and stored per
// relation); ok is false for another shape.
func (st ImportStatus) Counts() (ferry.ImportStats, bool) {
	var s ferry.ImportStats
	if len(st.Stats) == 0 || json.Unmarshal(st.Stats, &s) != nil || s.Imported == nil {
		return s, false
	}
	return s, true
}

// StartImport uploads the archive at file for import (POST
// /projects/import), streamed from the disk however big it is, and
// returns the new project's import status.
func (c *Client) StartImport(ctx context.Context, file string, im Import) (ImportStatus, error) {
	resp, err := c.upload(ctx, "/projects/import", file, im.fields(), im.Bytes)
	if err != nil {
		return ImportStatus{}, err
	}
	defer resp.Body.Close()
	var st ImportStatus
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&st); err != nil {
		return st, fmt.Errorf("POST /projects/import: unexpected answer: %w", err)
	}
	return st, nil
}

// upload posts the archive at file to endpoint (of the API) as a
// multipart form with fields, streamed from the disk however big it is
// (and sent again whole when the call is retried), telling bytes how
// far it is. The caller closes the body of the answer.
func (c *Client) upload(ctx context.Context, endpoint, file string, fields [][2]string, bytes func(done, total int64)) (*http.Response, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, func(ctx context.Context) (*http.Request, error) {
		return c.uploadRequest(ctx, endpoint, file, info.Size(), fields, bytes)
	})
}

// uploadRequest is the multipart request of an upload, its body written
// by a goroutine through a pipe as the transport reads it.
func (c *Client) uploadRequest(ctx context.Context, endpoint, file string, size int64, fields [][2]string, bytes func(done, total int64)) (*http.Request, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		defer f.Close()
		pw.CloseWithError(writeForm(mw, &counter{r: f, total: size, bytes: bytes}, filepath.Base(file), fields))
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+endpoint, pr)
	if err != nil {
		pr.Close()
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req, nil
}

// writeForm writes the fields, then the file, then the closing boundary.
func writeForm(mw *multipart.Writer, f io.Reader, name string, fields [][2]string) error {
	for _, kv := range fields {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			return err
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(fw, f); err != nil {
		return err
	}
	return mw.Close()
}

// fields are the import's parameters besides its archive, the empty
// left out.
func (im Import) fields() [][2]string {
	fields := [][2]string{{"path", im.Path}, {"namespace", im.Namespace}, {"name", im.Name}}
	if im.Overwrite {
		fields = append(fields, [2]string{"overwrite", "true"})
	}
	keys := make([]string, 0, len(im.Override))
	for k := range im.Override {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fields = append(fields, [2]string{"override_params[" + k + "]", im.Override[k]})
	}
	return slices.DeleteFunc(fields, func(kv [2]string) bool { return kv[1] == "" })
}

// counter tells bytes how much of r was read.
type counter struct {
	r     io.Reader
	done  int64
	total int64
	bytes func(done, total int64)
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.done += int64(n)
	if c.bytes != nil && n > 0 {
		c.bytes(c.done, c.total)
	}
	return n, err
}

// ImportOf reads project's import status.
func (c *Client) ImportOf(ctx context.Context, project string) (ImportStatus, error) {
	var st ImportStatus
	return st, c.call(ctx, http.MethodGet, "/projects/"+ProjectID(project)+"/import", &st)
}

// WaitImport reads the import status of the project id until it is
// finished or failed, calling seen with each. It returns the last status,
// and ErrImportFailed (wrapped, with the import_error) when it failed.
func (c *Client) WaitImport(ctx context.Context, id int64, seen func(ImportStatus)) (ImportStatus, error) {
	read := func() (ImportStatus, error) { return c.ImportOf(ctx, strconv.FormatInt(id, 10)) }
	return poll(ctx, c, read, seen, func(st ImportStatus) (string, error) {
		msg := "no reason given"
		if st.Error != nil {
			msg = *st.Error
		}
		return st.Status, fmt.Errorf("%w: %s", ErrImportFailed, msg)
	})
}

// ImportArchive uploads file (StartImport) and waits for the import's end
// (WaitImport, telling seen each status). The status returned names the
// new project once the upload was accepted, also when the wait failed.
func (c *Client) ImportArchive(ctx context.Context, file string, im Import, seen func(ImportStatus)) (ImportStatus, error) {
	st, err := c.StartImport(ctx, file, im)
	return c.follow(ctx, st, err, im, seen)
}

// ImportURL asks the server to download the archive at archiveURL
// itself (StartRemoteImport) and waits for the import's end, as
// ImportArchive.
func (c *Client) ImportURL(ctx context.Context, archiveURL string, im Import, seen func(ImportStatus)) (ImportStatus, error) {
	st, err := c.StartRemoteImport(ctx, archiveURL, im)
	return c.follow(ctx, st, err, im, seen)
}

// follow tells im.Accepted the started import st, then waits for its end.
func (c *Client) follow(ctx context.Context, st ImportStatus, err error, im Import, seen func(ImportStatus)) (ImportStatus, error) {
	if err != nil {
		return st, err
	}
	if im.Accepted != nil {
		im.Accepted(st)
	}
	final, err := c.WaitImport(ctx, st.ID, seen)
	if final.ID == 0 { // the first read failed
		final = st
	}
	return final, err
}

// Records is the records the status says were stored so far, -1 when its
// stats are not Ferry's per-relation counts.
func (st ImportStatus) Records() int64 {
	s, ok := st.Counts()
	if !ok {
		return -1
	}
	var n int64
	for _, c := range s.Imported {
		n += c
	}
	return n
}

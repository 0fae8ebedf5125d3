package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/ferryhq/ferry/internal/git"
)

// blobData is GitLab's answer to GET .../blobs/:sha, content aside.
type blobData struct {
	Size     int64  `json:"size"`
	Encoding string `json:"encoding"`
	SHA      string `json:"sha"`
}

// blob finds :sha: 404 Blob Not Found when it is no blob.
func (a *API) blob(r *request) (string, string, int64, error) {
	_, _, dir, err := a.repository(r)
	if err != nil {
		return "", "", 0, err
	}
	sha := r.PathValue("sha")
	size, err := git.BlobSize(r.ctx(), dir, sha)
	if errors.Is(err, git.ErrNoRef) {
		return "", "", 0, notFound("Blob")
	}
	return dir, sha, size, err
}

// getBlob is GET /projects/:id/repository/blobs/:sha: size, encoding,
// sha and the content in base64.
func (a *API) getBlob(w http.ResponseWriter, r *request) error {
	dir, sha, size, err := a.blob(r)
	if err != nil {
		return err
	}
	return a.writeWithContent(w, r, blobData{Size: size, Encoding: "base64", SHA: sha}, dir, sha)
}

// writeWithContent answers 200 with the JSON object meta followed by
// "content": blob sha in base64, encoded while it streams from git.
func (a *API) writeWithContent(w http.ResponseWriter, r *request, meta any, dir, sha string) error {
	head, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(head[:len(head)-1])
	_, _ = io.WriteString(w, `,"content":"`)
	enc := base64.NewEncoder(base64.StdEncoding, w)
	if err := git.StreamBlob(r.ctx(), dir, sha, enc); err != nil {
		a.logger.ErrorContext(r.ctx(), "stream blob", "err", err)
		return nil
	}
	_ = enc.Close()
	_, _ = io.WriteString(w, "\"}\n")
	return nil
}

// getRawBlob is GET /projects/:id/repository/blobs/:sha/raw.
func (a *API) getRawBlob(w http.ResponseWriter, r *request) error {
	dir, sha, size, err := a.blob(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", "inline")
	return a.sendBlob(w, r, dir, sha, size)
}

// sendBlob streams blob sha: text/plain for text, as Workhorse sends it,
// application/octet-stream for binary data, with GitLab's no_cache_headers.
func (a *API) sendBlob(w http.ResponseWriter, r *request, dir, sha string, size int64) error {
	sw := &startWriter{w: w, start: func(p []byte) { // set only once the blob comes
		h := w.Header()
		h.Set("Content-Length", strconv.FormatInt(size, 10))
		h.Set("Cache-Control", "max-age=0, private, must-revalidate, no-store, no-cache")
		h.Set("Pragma", "no-cache")
		h.Set("Expires", "Fri, 01 Jan 1990 00:00:00 GMT")
		h.Set("Content-Type", "text/plain; charset=utf-8")
		if bytes.IndexByte(p[:min(len(p), 8000)], 0) >= 0 {
			h.Set("Content-Type", "application/octet-stream")
		}
	}}
	err := git.StreamBlob(r.ctx(), dir, sha, sw)
	if err != nil && !sw.started {
		return err
	}
	if err != nil {
		a.logger.ErrorContext(r.ctx(), "stream blob", "err", err)
	}
	_, _ = sw.Write(nil) // an empty blob still answers 200
	return nil
}

// startWriter sends the answer's status (200) with its first write, after
// start has seen those first bytes, so that a stream that fails before
// it writes anything can still be answered with an error.
type startWriter struct {
	w       http.ResponseWriter
	start   func(first []byte)
	started bool
}

func (s *startWriter) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		if s.start != nil {
			s.start(p)
		}
		s.w.WriteHeader(http.StatusOK)
	}
	return s.w.Write(p)
}

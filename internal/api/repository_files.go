package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/git"
)

// refOrDefault is the ref parameter, or p's default branch.
func refOrDefault(r *request, p ferry.Project) string {
	if ref, ok := r.params.str("ref"); ok && ref != "" {
		return ref
	}
	return p.DefaultBranch
}

// listTree is GET /projects/:id/repository/tree: path, ref, recursive,
// page.
func (a *API) listTree(w http.ResponseWriter, r *request) error {
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	recursive, err := r.params.boolean("recursive", false)
	if err != nil {
		return err
	}
	p, _, dir, err := a.repository(r)
	if err != nil {
		return err
	}
	sha, err := resolve(r, dir, refOrDefault(r, p), "Tree")
	if err != nil {
		return err
	}
	dirPath, _ := r.params.str("path")
	entries, err := git.Tree(r.ctx(), dir, sha, dirPath, recursive)
	if errors.Is(err, git.ErrNoRef) {
		return notFound("Tree")
	}
	if err != nil {
		return err
	}
	page := pageOf(pg, entries)
	out := make([]treeObject, 0, len(page))
	for _, e := range page {
		out = append(out, treeObject(e))
	}
	a.writeList(w, r, pg, len(entries), out)
	return nil
}

// fileData is the metadata GitLab's files API answers and repeats in
// X-Gitlab-* headers, in GitLab's order.
type fileData struct {
	FileName        string `json:"file_name"`
	FilePath        string `json:"file_path"`
	Size            int64  `json:"size"`
	Encoding        string `json:"encoding"`
	ContentSHA256   string `json:"content_sha256"`
	Ref             string `json:"ref"`
	BlobID          string `json:"blob_id"`
	CommitID        string `json:"commit_id"`
	LastCommitID    string `json:"last_commit_id"`
	ExecuteFilemode bool   `json:"execute_filemode"`
}

// fileAt finds :file_path at ref: 400 without a ref (when required), 404
// Commit Not Found for an unknown ref, 404 File Not Found for no file.
func (a *API) fileAt(r *request, requireRef bool) (fileData, string, error) {
	if requireRef {
		if err := r.params.require("ref"); err != nil {
			return fileData{}, "", err
		}
	}
	p, _, dir, err := a.repository(r)
	if err != nil {
		return fileData{}, "", err
	}
	ref := refOrDefault(r, p)
	sha, err := resolve(r, dir, ref, "Commit")
	if err != nil {
		return fileData{}, "", err
	}
	file := strings.TrimPrefix(r.PathValue("file_path"), "/")
	blob, err := git.BlobAt(r.ctx(), dir, sha, file)
	if errors.Is(err, git.ErrNoRef) {
		return fileData{}, "", notFound("File")
	}
	if err != nil {
		return fileData{}, "", err
	}
	last, err := git.LastCommitFor(r.ctx(), dir, sha, file)
	if err != nil {
		return fileData{}, "", err
	}
	hash := sha256.New()
	if err := git.StreamBlob(r.ctx(), dir, blob.ID, hash); err != nil {
		return fileData{}, "", err
	}
	return fileData{FileName: path.Base(file), FilePath: file, Size: blob.Size, Encoding: "base64",
		ContentSHA256: hex.EncodeToString(hash.Sum(nil)), Ref: ref, BlobID: blob.ID, CommitID: sha,
		LastCommitID: last, ExecuteFilemode: blob.Mode == "100755"}, dir, nil
}

// setFileHeaders writes GitLab's X-Gitlab-* file headers.
func setFileHeaders(w http.ResponseWriter, f fileData) {
	h := w.Header()
	for k, v := range map[string]string{"File-Name": f.FileName, "File-Path": f.FilePath,
		"Size": strconv.FormatInt(f.Size, 10), "Encoding": f.Encoding, "Content-Sha256": f.ContentSHA256,
		"Ref": f.Ref, "Blob-Id": f.BlobID, "Commit-Id": f.CommitID, "Last-Commit-Id": f.LastCommitID,
		"Execute-Filemode": strconv.FormatBool(f.ExecuteFilemode)} {
		h.Set("X-Gitlab-"+k, v)
	}
}

// getFile is GET /projects/:id/repository/files/:file_path: the metadata
// and the content in base64, encoded as it streams from git.
func (a *API) getFile(w http.ResponseWriter, r *request) error {
	f, dir, err := a.fileAt(r, true)
	if err != nil {
		return err
	}
	meta, err := json.Marshal(f)
	if err != nil {
		return err
	}
	setFileHeaders(w, f)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(meta[:len(meta)-1])
	_, _ = io.WriteString(w, `,"content":"`)
	enc := base64.NewEncoder(base64.StdEncoding, w)
	if err := git.StreamBlob(r.ctx(), dir, f.BlobID, enc); err != nil {
		a.logger.ErrorContext(r.ctx(), "stream file", "err", err)
		return nil
	}
	_ = enc.Close()
	_, _ = io.WriteString(w, "\"}\n")
	return nil
}

// getRawFile is GET /projects/:id/repository/files/:file_path/raw (ref
// defaults to the default branch).
func (a *API) getRawFile(w http.ResponseWriter, r *request) error {
	f, dir, err := a.fileAt(r, false)
	if err != nil {
		return err
	}
	setFileHeaders(w, f)
	return a.sendBlob(w, r, dir, f.BlobID, f.Size)
}

// getRawBlob is GET /projects/:id/repository/blobs/:sha/raw.
func (a *API) getRawBlob(w http.ResponseWriter, r *request) error {
	_, _, dir, err := a.repository(r)
	if err != nil {
		return err
	}
	sha := r.PathValue("sha")
	size, err := git.BlobSize(r.ctx(), dir, sha)
	if errors.Is(err, git.ErrNoRef) {
		return notFound("Blob")
	}
	if err != nil {
		return err
	}
	return a.sendBlob(w, r, dir, sha, size)
}

// sendBlob streams blob sha: text/plain for text, as Workhorse sends it,
// application/octet-stream for binary data.
func (a *API) sendBlob(w http.ResponseWriter, r *request, dir, sha string, size int64) error {
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Cache-Control", "no-cache")
	sw := &sniffWriter{w: w}
	if err := git.StreamBlob(r.ctx(), dir, sha, sw); err != nil {
		a.logger.ErrorContext(r.ctx(), "stream blob", "err", err)
	}
	sw.start()
	return nil
}

// sniffWriter sets Content-Type from the first bytes written.
type sniffWriter struct {
	w       http.ResponseWriter
	started bool
}

func (s *sniffWriter) Write(p []byte) (int, error) {
	if !s.started {
		ct := "text/plain; charset=utf-8"
		if strings.ContainsRune(string(p[:min(len(p), 8000)]), 0) {
			ct = "application/octet-stream"
		}
		s.w.Header().Set("Content-Type", ct)
		s.start()
	}
	return s.w.Write(p)
}

func (s *sniffWriter) start() {
	if !s.started {
		s.started = true
		if s.w.Header().Get("Content-Type") == "" {
			s.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
		s.w.WriteHeader(http.StatusOK)
	}
}

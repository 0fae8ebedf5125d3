package api

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"mime"
	"net/http"
	"path"
	"regexp"
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
// and pagination: legacy (page, per_page), keyset (page_token, the id
// of the last entry seen) or none (recursive only).
func (a *API) listTree(w http.ResponseWriter, r *request) error {
	pg, err := readPager(r.params)
	if err != nil {
		return err
	}
	recursive, err := r.params.boolean("recursive", false)
	if err != nil {
		return err
	}
	mode, err := r.params.oneOf("pagination", "legacy", "legacy", "keyset", "none")
	if err == nil && mode == "none" && !recursive {
		err = &httpError{Status: http.StatusBadRequest, Body: errorBody{`pagination cannot be "none" unless "recursive" is true`}}
	}
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
	if errors.Is(err, git.ErrNoRef) { // Gitaly's words, in GitLab's 404
		return notFound("invalid revision or path")
	}
	if err != nil {
		return err
	}
	show := func(e git.TreeEntry) treeObject { return treeObject(e) }
	switch mode {
	case "none":
		writeJSON(w, http.StatusOK, mapSlice(entries, show))
	case "keyset":
		token, _ := r.params.str("page_token")
		page, next := keysetPage(entries, token, pg.perPage, func(e git.TreeEntry) string { return e.ID })
		if next != "" {
			w.Header().Set("Link", "<"+a.base+withQuery(r.Request, "page_token", next)+`>; rel="next"`)
		}
		writeJSON(w, http.StatusOK, mapSlice(page, show))
	default:
		writePage(a, w, r, pg, entries, show)
	}
	return nil
}

// keysetPage is the perPage items after the one whose key is token (from
// the first without a token; none when no item has it) and the key of
// its last item when more follow.
func keysetPage[T any](items []T, token string, perPage int, key func(T) string) ([]T, string) {
	start := 0
	if token != "" {
		start = len(items)
		for i, item := range items {
			if key(item) == token {
				start = i + 1
				break
			}
		}
	}
	end := min(start+perPage, len(items))
	if end < len(items) {
		return items[start:end], key(items[end-1])
	}
	return items[start:end], ""
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

// pathTraversal is GitLab's PathTraversal check of a file_path: "." or
// "..", a ".." segment, or a newline.
var pathTraversal = regexp.MustCompile(`(\A\.{1,2}\z|\A\.\.[/\\]|[/\\]\.\.\z|[/\\]\.\.[/\\]|\n)`)

// fileAt finds :file_path at ref. The JSON endpoint requires ref and a
// relative path, the raw one (raw) defaults ref to the default branch and
// accepts a leading slash. Returns 400 for a missing ref or a path that
// climbs out ("..", as GitLab's file_path validator), 404 Commit Not
// Found for an unknown ref, 404 File Not Found for no file.
func (a *API) fileAt(r *request, raw bool) (fileData, string, error) {
	if ref, ok := r.params.str("ref"); !raw && (!ok || ref == "") {
		return fileData{}, "", missingRef(ok)
	}
	file := r.PathValue("file_path")
	if pathTraversal.MatchString(file) || !raw && strings.HasPrefix(file, "/") {
		return fileData{}, "", &httpError{Status: http.StatusBadRequest, Body: errorBody{"file_path should be a valid file path"}}
	}
	file = strings.TrimPrefix(file, "/")
	p, _, dir, err := a.repository(r)
	if err != nil {
		return fileData{}, "", err
	}
	ref := refOrDefault(r, p)
	sha, err := resolve(r, dir, ref, "Commit")
	if err != nil {
		return fileData{}, "", err
	}
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

// missingRef is Grape's answer to a required ref (allow_blank: false)
// that is missing or blank.
func missingRef(given bool) error {
	text := "ref is missing, ref is empty"
	if given {
		text = "ref is empty"
	}
	return &httpError{Status: http.StatusBadRequest, Body: errorBody{text}}
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
// and the content in base64, encoded as it streams from git; HEAD answers
// the metadata in headers.
func (a *API) getFile(w http.ResponseWriter, r *request) error {
	f, dir, err := a.fileAt(r, false)
	if err != nil {
		return err
	}
	setFileHeaders(w, f)
	if r.Method == http.MethodHead { // GitLab's HEAD: the X-Gitlab-* headers only
		w.WriteHeader(http.StatusOK)
		return nil
	}
	return a.writeWithContent(w, r, f, dir, f.BlobID)
}

// getRawFile is GET /projects/:id/repository/files/:file_path/raw (ref
// defaults to the default branch).
func (a *API) getRawFile(w http.ResponseWriter, r *request) error {
	f, dir, err := a.fileAt(r, true)
	if err != nil {
		return err
	}
	setFileHeaders(w, f)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": f.FileName}))
	return a.sendBlob(w, r, dir, f.BlobID, f.Size)
}

package api

import (
	"errors"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/blob"
)

// uploadSecret is the secret folder of GitLab's FileUploader: 10 or 32 hex
// digits.
var uploadSecret = regexp.MustCompile(`^[0-9a-fA-F]{10}(?:[0-9a-fA-F]{22})?$`)

// embeddable are the extensions GitLab serves inline (its safe image,
// video and audio types, and PDF); every other upload is an attachment.
var embeddable = map[string]bool{
	"png": true, "jpg": true, "jpeg": true, "gif": true, "bmp": true, "tiff": true, "ico": true, "webp": true,
	"mp4": true, "m4v": true, "mov": true, "webm": true, "ogv": true,
	"mp3": true, "oga": true, "ogg": true, "spx": true, "wav": true, "pdf": true,
}

// uploadWebPath splits /<full_path>/uploads/<secret>/<filename>, the link
// a description or note holds, into the project's full path, the secret
// and the file name.
func uploadWebPath(urlPath string) (full, secret, name string, ok bool) {
	i := strings.LastIndex(urlPath, "/uploads/")
	if i <= 1 {
		return "", "", "", false
	}
	secret, name, ok = strings.Cut(urlPath[i+len("/uploads/"):], "/")
	full = urlPath[1:i]
	ok = ok && strings.Contains(full, "/") && uploadSecret.MatchString(secret) && name != "" && !strings.Contains(name, "/")
	return full, secret, name, ok
}

// projectUploadWeb is GET /<full_path>/uploads/<secret>/<filename>:
// anyone who may read the project gets the file; others get 404.
func (a *API) projectUploadWeb(full, secret, name string) handler {
	return func(w http.ResponseWriter, r *request) error {
		p, _, err := a.findProjectByRef(r, full)
		if err != nil {
			return hideProject(err)
		}
		return a.serveUpload(w, r, p, secret, name, webHeaders)
	}
}

// projectUploadByID is GET /-/project/:id/uploads/:secret/:filename, the
// full_path GitLab's upload API answers with since 17.1.
func (a *API) projectUploadByID(w http.ResponseWriter, r *request) error {
	if !numericID.MatchString(r.PathValue("id")) {
		return notFound("")
	}
	p, _, err := a.findProject(r)
	if err != nil {
		return hideProject(err)
	}
	return a.serveUpload(w, r, p, r.PathValue("secret"), r.PathValue("filename"), webHeaders)
}

// hideProject turns a project lookup's 404 Project Not Found into the
// plain 404 a missing file gets, so that a web path tells nothing of
// which projects exist.
func hideProject(err error) error {
	if isStatus(err, http.StatusNotFound) {
		return notFound("")
	}
	return err
}

// uploadsProject is :id's project for the uploads API, which needs
// Maintainer (GitLab's admin_upload). Returns 404 Project Not Found when
// the caller may not see it and 403 when they may not administer uploads.
func (a *API) uploadsProject(r *request) (ferry.Project, error) {
	p, level, err := a.findProject(r)
	if err == nil && !auth.CanAdminUploads(level) {
		err = forbidden("")
	}
	return p, err
}

// apiUpload is GET /projects/:id/uploads/:secret/:filename, for anyone
// who may read the project (GitLab's read_upload), as an attachment.
func (a *API) apiUpload(w http.ResponseWriter, r *request) error {
	p, _, err := a.findProject(r)
	if err != nil {
		return err
	}
	return a.serveUpload(w, r, p, r.PathValue("secret"), r.PathValue("filename"), apiHeaders)
}

// serveUpload streams upload secret/name of p from the blob store with
// headers (webHeaders or apiHeaders). Returns 404 Not Found when there is
// no such upload.
func (a *API) serveUpload(w http.ResponseWriter, r *request, p ferry.Project, secret, name string,
	headers func(http.Header, string)) error {
	if !uploadSecret.MatchString(secret) || name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\") {
		return notFound("")
	}
	obj, err := a.blobs.Open(r.ctx(), blob.UploadsPrefix(p.ID)+"/"+secret+"/"+name)
	if errors.Is(err, blob.ErrNotFound) {
		return notFound("")
	}
	if err != nil {
		return err
	}
	defer obj.Close()
	headers(w.Header(), name)
	return serveContent(w, r.Request, name, obj.ModTime(), obj)
}

// webHeaders are the headers of GitLab's web route (UploadsActions#show):
// the type from the name, inline for images, video, audio and PDF,
// attachment otherwise, and no shared caching.
func webHeaders(h http.Header, name string) {
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	kind := "attachment"
	if embeddable[ext] {
		kind = "inline"
	}
	ctype := mime.TypeByExtension("." + ext)
	if ctype == "" || ext == "" {
		ctype = "application/octet-stream"
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", contentDisposition(kind, name))
	h.Set("Cache-Control", "max-age=0, private, must-revalidate")
	h.Set("X-Content-Type-Options", "nosniff")
}

// apiHeaders are the headers of GitLab's API file downloads
// (present_disk_file!): always a binary attachment.
func apiHeaders(h http.Header, name string) {
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", contentDisposition("attachment", name))
	h.Set("Content-Transfer-Encoding", "binary")
}

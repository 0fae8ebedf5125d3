package api

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/correlation"
	"github.com/ferryhq/ferry/internal/importer"
	"github.com/ferryhq/ferry/internal/ratelimit"
	"github.com/ferryhq/ferry/internal/store"
)

// upload is a streamed multipart import: its fields and the stored file.
type upload struct {
	fields   params
	fileKey  string
	fileName string
	hasFile  bool
}

// importFile is POST /projects/import: the multipart body is streamed
// part by part; the file goes straight to blob storage while it is counted
// against max_import_size and is cut off (and removed) as soon as it
// passes it. Authentication comes from the headers or the query string,
// before any of the body is read (as GitLab's Workhorse pre-authorizes).
func (a *API) importFile(w http.ResponseWriter, r *request) error {
	settings, err := a.db.Settings(r.ctx())
	if err != nil {
		return err
	}
	up, err := a.readUpload(r, settings)
	if up.fileKey != "" {
		defer func() {
			if up.fileKey != "" {
				// The request may have been cancelled (a stalled body).
				_ = a.blobs.Delete(context.WithoutCancel(r.ctx()), up.fileKey)
			}
		}()
	}
	if err != nil {
		return err
	}
	r.params = up.fields
	if err := r.params.require("path", "file"); err != nil {
		return err
	}
	if !up.hasFile {
		return &ferry.ParamError{Param: "file"}
	}
	im := ferry.Import{Source: ferry.SourceFile, UploadKey: up.fileKey}
	status, err := a.scheduleImport(r, settings, &im, func() error {
		if !strings.HasSuffix(strings.ToLower(up.fileName), ".gz") {
			return &httpError{Status: http.StatusUnprocessableEntity, Body: message{map[string]string{
				"error": "You need to upload a GitLab project export archive (ending in .gz)."}}}
		}
		return nil
	})
	if err != nil {
		return err
	}
	up.fileKey = "" // the import owns it now
	writeJSON(w, http.StatusCreated, status)
	return nil
}

// readUpload reads the multipart body within the form limits (see form).
// Returns 413 (plain text, as Workhorse answers) once the file passes
// max_import_size.
func (a *API) readUpload(r *request, settings ferry.Settings) (upload, error) {
	fields, _ := queryParams(r.Request)
	up := upload{fields: fields}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "multipart/form-data" {
		return up, nil // no file: "file is missing"
	}
	f, err := newForm(r.Request, a.limits.MaxBody)
	if err != nil {
		return up, err
	}
	limit := ferry.MiB(settings.MaxImportSize)
	values, err := f.read(func(part *multipart.Part) (bool, error) {
		if part.FormName() != "file" || up.hasFile {
			return false, nil
		}
		up.hasFile, up.fileName = true, part.FileName()
		up.fileKey = blob.ImportsPrefix + "/upload-" + strings.ToLower(rand.Text())
		return true, a.storeUpload(r, up.fileKey, part, limit)
	})
	up.fields.merge(values)
	if up.hasFile {
		up.fields.values["file"] = []string{up.fileName}
	}
	return up, err
}

// uploadWriteSize is the size of the writes an upload makes to the blob
// store.
const uploadWriteSize = 1 << 20

// storeUpload streams part into blob key, refusing it past limit bytes
// (0 = no limit). The blob is aborted (its temporary file removed) when
// the body fails or stops arriving.
func (a *API) storeUpload(r *request, key string, part io.Reader, limit int64) error {
	bw, err := a.blobs.Create(r.ctx(), key)
	if err != nil {
		return err
	}
	src := part
	if limit > 0 {
		src = io.LimitReader(part, limit+1)
	}
	buf := bufio.NewWriterSize(bw, uploadWriteSize) // the form hands over 4 KiB at a time
	n, err := io.Copy(buf, src)
	if err == nil {
		err = buf.Flush()
	}
	if err != nil {
		bw.Abort()
		return bodyError(err, &ferry.ParamError{Param: "file", Reason: "could not be read"})
	}
	if limit > 0 && n > limit {
		bw.Abort()
		return &httpError{Status: http.StatusRequestEntityTooLarge, Body: rawText("Request Entity Too Large")}
	}
	return bw.Commit()
}

// scheduleImport runs the checks every import endpoint shares, in GitLab's
// order (import source, rate limit, source-specific check, namespace,
// project validation), then creates the project and its import job in one
// transaction, returning the import status entity.
func (a *API) scheduleImport(r *request, settings ferry.Settings, im *ferry.Import, sourceCheck func() error) (importStatusEntity, error) {
	var none importStatusEntity
	if !settings.ImportSourceEnabled("gitlab_project") {
		return none, forbidden("")
	}
	if err := a.throttle(r, ratelimit.ProjectImport, settings.ProjectImportLimit, userScope(r.user)); err != nil {
		return none, err
	}
	if err := sourceCheck(); err != nil {
		return none, err
	}
	ns, err := a.importNamespace(r)
	if err != nil {
		return none, err
	}
	p, err := a.importProject(r, ns, settings, im)
	if err != nil {
		return none, err
	}
	im.UserID, im.CorrelationID = r.user.ID, correlation.ID(r.ctx())
	err = a.db.Tx(r.ctx(), func(tx *store.Tx) error {
		if err := tx.CreateProject(r.ctx(), &p); err != nil {
			return err
		}
		if err := a.repos.Create(r.ctx(), p.ID, p.DefaultBranch, nil); err != nil {
			return err
		}
		im.ProjectID = p.ID
		if err := tx.CreateImport(r.ctx(), im); err != nil {
			return err
		}
		_, err := a.jobs.InsertTx(r.ctx(), tx, importer.Args{ProjectID: p.ID, CorrelationID: im.CorrelationID}, nil)
		return err
	})
	if err != nil {
		_ = a.repos.Remove(p.ID)
		return none, firstMessage(err)
	}
	return a.importStatus(r, p, *im, true)
}

// importNamespace is the namespace parameter (ID or full path; the
// caller's personal namespace by default). 404 Namespace Not Found when it
// does not exist or the caller cannot see it; 400 when the caller may not
// create projects there (Maintainer or above in a group).
func (a *API) importNamespace(r *request) (ferry.Namespace, error) {
	ref, _ := r.params.str("namespace")
	if ref == "" {
		return a.db.NamespaceByID(r.ctx(), r.user.NamespaceID)
	}
	ns, err := a.findNamespace(r, ref)
	if err != nil {
		return ns, err
	}
	if ns.IsGroup() {
		level, err := a.access.GroupLevel(r.ctx(), r.user, ns)
		if err != nil {
			return ns, err
		}
		if level == ferry.NoAccess {
			return ns, notFound("Namespace")
		}
		if level < ferry.Maintainer {
			return ns, apiError(http.StatusBadRequest, "Namespace is not valid")
		}
	} else if ns.OwnerID != r.user.ID && !r.user.IsAdmin {
		return ns, notFound("Namespace")
	}
	return ns, nil
}

// importProject builds the project to import into: name and path, with
// overwrite creating it at a temporary path when the path is taken.
func (a *API) importProject(r *request, ns ferry.Namespace, settings ferry.Settings, im *ferry.Import) (ferry.Project, error) {
	path, _ := r.params.str("path")
	name, _ := r.params.str("name")
	if strings.TrimSpace(name) == "" {
		name = path
	}
	overwrite, err := r.params.boolean("overwrite", false)
	if err != nil {
		return ferry.Project{}, err
	}
	if im.OverrideParams, err = overrideParams(r.params); err != nil {
		return ferry.Project{}, err
	}
	p := ferry.Project{NamespaceID: ns.ID, Namespace: ns, Name: name, Path: path, CreatorID: r.user.ID,
		Visibility: settings.DefaultProjectVisibility, DefaultBranch: "main"}
	if ns.IsGroup() && ferry.VisibilityRank(p.Visibility) > ferry.VisibilityRank(ns.Visibility) {
		p.Visibility = ns.Visibility
	}
	if overwrite {
		if replaced, err := a.overwritePath(r, p, ns.FullPath+"/"+path, im); !errors.Is(err, ferry.ErrNotFound) {
			return replaced, err
		}
	}
	if err := a.validateProject(r, p); err != nil {
		return p, firstMessage(err)
	}
	return p, nil
}

// firstMessage turns a validation answer into GitLab's import shape: 400
// with the first full message ("Name has already been taken").
func firstMessage(err error) error {
	var he *httpError
	if errors.As(err, &he) && he.Status == http.StatusBadRequest {
		if m, ok := he.Body.(message); ok {
			if fields, ok := m.Message.(map[string][]string); ok {
				for _, f := range []string{"name", "path", "namespace", "visibility_level"} {
					if msgs := fields[f]; len(msgs) > 0 {
						return apiError(http.StatusBadRequest, capitalized(f)+" "+msgs[0])
					}
				}
			}
		}
	}
	var ve *ferry.ValidationError
	if errors.As(err, &ve) {
		return apiError(http.StatusBadRequest, capitalized(ve.Field)+" "+ve.Reason)
	}
	return err
}

// overrideParams reads override_params[...]: known Project API keys are
// checked and kept, others dropped, as GitLab's declared params do.
func overrideParams(p params) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range p.hash("override_params") {
		kind, known := overrideKeys[k]
		if !known {
			continue
		}
		if err := checkOverride(k, kind, v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

var overrideKeys = map[string]string{
	"description": "string", "visibility": "visibility", "default_branch": "string", "topics": "string",
	"tag_list": "string", "ci_config_path": "string", "build_timeout": "int", "merge_method": "merge_method",
	"squash_option": "squash", "issues_enabled": "bool", "merge_requests_enabled": "bool", "wiki_enabled": "bool",
	"jobs_enabled": "bool", "snippets_enabled": "bool", "lfs_enabled": "bool", "shared_runners_enabled": "bool",
	"request_access_enabled": "bool", "packages_enabled": "bool", "container_registry_enabled": "bool",
	"only_allow_merge_if_pipeline_succeeds": "bool", "only_allow_merge_if_all_discussions_are_resolved": "bool",
	"remove_source_branch_after_merge": "bool", "printing_merge_request_link_enabled": "bool",
	"issues_access_level": "access", "repository_access_level": "access", "merge_requests_access_level": "access",
	"forking_access_level": "access", "builds_access_level": "access", "wiki_access_level": "access",
	"snippets_access_level": "access", "pages_access_level": "pages", "analytics_access_level": "access",
	"container_registry_access_level": "access", "releases_access_level": "access", "environments_access_level": "access",
}

var overrideValues = map[string][]string{
	"visibility":   {ferry.Private, ferry.Internal, ferry.Public},
	"merge_method": {"merge", "rebase_merge", "ff"},
	"squash":       {"never", "always", "default_on", "default_off"},
	"access":       {"disabled", "private", "enabled"},
	"pages":        {"disabled", "private", "enabled", "public"},
}

func checkOverride(key, kind, v string) error {
	bad := &ferry.ParamError{Param: "override_params[" + key + "]", Reason: "does not have a valid value"}
	switch kind {
	case "bool":
		if _, ok := boolWords[strings.ToLower(v)]; !ok {
			return &ferry.ParamError{Param: "override_params[" + key + "]"}
		}
	case "int":
		if _, err := strconv.Atoi(v); err != nil {
			return &ferry.ParamError{Param: "override_params[" + key + "]"}
		}
	case "string":
	default:
		for _, ok := range overrideValues[kind] {
			if v == ok {
				return nil
			}
		}
		return bad
	}
	return nil
}

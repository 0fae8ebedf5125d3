package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
)

// The group import pages: /groups/new (GitLab's "New group", its
// "Import group" pane) with the form posting a file to
// /import/gitlab_group (GitLab's Import::GitlabGroupsController), and the
// page that follows the import, /groups/<g>/-/import (Ferry's own; its
// JSON at .../import/status.json). The form runs POST /groups/import, the
// page GET /ferry/groups/:id/import, for the visitor (apicall.go).

// groupImportForm is the group import form: the groups the visitor may
// import into, what they typed, and the API's refusal of it.
type groupImportForm struct {
	Parents              []groupChoice
	Name, Path, ParentID string
	Error                string
}

// groupChoice is a parent group of the form's select.
type groupChoice struct {
	ID       string
	FullPath string
}

// newGroup is /groups/new.
func (s *Web) newGroup(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	q := r.URL.Query()
	f := groupImportForm{Name: q.Get("name"), Path: q.Get("path"), ParentID: q.Get("parent_id")}
	return s.groupImportFormPage(w, r, http.StatusOK, f)
}

// groupImportFormPage renders the form with the groups the visitor may
// create sub-groups in (Maintainer or above, what the import endpoint
// accepts).
func (s *Web) groupImportFormPage(w http.ResponseWriter, r *request, status int, f groupImportForm) error {
	var groups []struct {
		ID       int64  `json:"id"`
		FullPath string `json:"full_path"`
	}
	if err := s.callAPI(r, http.MethodGet, "/api/v4/groups?min_access_level=40&per_page=100&order_by=path",
		nil, &groups); err != nil {
		return err
	}
	for _, g := range groups {
		f.Parents = append(f.Parents, groupChoice{ID: strconv.FormatInt(g.ID, 10), FullPath: g.FullPath})
	}
	return s.renderStatus(w, r, status, "group_new", f)
}

// groupImportUpload is POST /import/gitlab_group: the form goes on to
// the import endpoint part by part as it arrives, the file never held
// here. A plain form's token is its first field (streamPage); a script
// sends it in a header, and its body is read as parts too, so that the
// path and parent typed are known to name the import's page.
func (s *Web) groupImportUpload(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	if r.parts == nil && r.PostForm == nil {
		mr, err := r.MultipartReader()
		if err != nil {
			return fmt.Errorf("read form: %w: %v", ferry.ErrInvalid, err)
		}
		r.parts = mr
	}
	req, err := http.NewRequestWithContext(r.ctx(), http.MethodPost, "/api/v4/groups/import", nil)
	if err != nil {
		return err
	}
	typed := &typedFields{}
	stop := pipeForm(r, req, typed)
	err = s.relay(r, req, nil)
	stop()
	script := strings.Contains(r.Header.Get("Accept"), "application/json")
	var refused *apiRefusal
	if errors.As(err, &refused) {
		if script {
			return writeJSON(w, refused.Status, map[string]string{"message": refused.Message})
		}
		f := groupImportForm{Name: typed.get("name"), Path: typed.get("path"), ParentID: typed.get("parent_id"),
			Error: refused.Message}
		return s.groupImportFormPage(w, r, refused.Status, f)
	}
	if err != nil {
		return err
	}
	location, err := s.importedGroupPage(r, typed)
	if err != nil {
		return err
	}
	if script {
		return writeJSON(w, http.StatusCreated, map[string]string{"location": location})
	}
	http.Redirect(w, r.Request, location, http.StatusSeeOther)
	return nil
}

// importedGroupPage is the import page of the group the form created:
// its path under its parent's.
func (s *Web) importedGroupPage(r *request, typed *typedFields) (string, error) {
	full := typed.get("path")
	if parent := typed.get("parent_id"); parent != "" {
		var g struct {
			FullPath string `json:"full_path"`
		}
		if err := s.callAPI(r, http.MethodGet, "/api/v4/groups/"+url.PathEscape(parent), nil, &g); err != nil {
			return "", err
		}
		full = g.FullPath + "/" + full
	}
	return "/groups/" + full + "/-/import", nil
}

// groupImportStatus is Ferry's group import status.
type groupImportStatus struct {
	FullPath        string                     `json:"full_path"`
	ImportStatus    string                     `json:"import_status"`
	ImportError     string                     `json:"import_error"`
	Stats           map[string]int64           `json:"stats"`
	FailedRelations []ferry.GroupImportFailure `json:"failed_relations"`
}

// groupImportView is the group's import page.
type groupImportView struct {
	Status groupImportStatus
	Stats  []statRow
	// Done: the import finished or failed, nothing more to follow.
	Done bool
}

// groupImportPage is /groups/<g>/-/import, and .../import/status.json
// its JSON.
func (s *Web) groupImportPage(w http.ResponseWriter, r *request) error {
	if r.user == nil {
		return errSignIn
	}
	var st groupImportStatus
	path := "/api/v4/ferry/groups/" + strconv.FormatInt(r.group.ID, 10) + "/import"
	if answered, err := s.jobStatus(w, r, path, &st); answered || err != nil {
		return err
	}
	v := groupImportView{Status: st, Done: st.ImportStatus == ferry.ImportFinished || st.ImportStatus == ferry.ImportFailed}
	for rel, n := range st.Stats {
		v.Stats = append(v.Stats, statRow{Relation: rel, Imported: n})
	}
	sortStats(v.Stats)
	return s.render(w, r, "group_import_status", v)
}

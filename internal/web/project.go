package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/git"
)

// projectNav is the project header and tabs the layout shows on every
// project page.
type projectNav struct {
	Path, Name, FullName, Visibility string
	Tabs                             []navTab
}

// navTab is one tab of the project navigation.
type navTab struct {
	Label, Href string
	Current     bool
}

// projectTabs are the project's sub-pages: label and segment after /-/
// ("" for the project's own page).
var projectTabs = []struct{ label, segment string }{
	{"Overview", ""}, {"Files", "tree"}, {"Commits", "commits"}, {"Branches", "branches"}, {"Tags", "tags"},
	{"Issues", "issues"}, {"Merge requests", "merge_requests"}, {"Pipelines", "pipelines"}, {"Wiki", "wikis"}, {"Releases", "releases"},
	{"Milestones", "milestones"}, {"Labels", "labels"}, {"Snippets", "snippets"}, {"Members", "project_members"},
}

// tabOf is the tab of the pages that have none of their own.
var tabOf = map[string]string{"blob": "tree", "raw": "tree", "commit": "commits", "compare": "commits", "jobs": "pipelines"}

// projectNav is r's project header, the tab of r's page current.
func (s *Web) projectNav(r *request) *projectNav {
	p := r.project
	_, current, _ := splitPagePath(r.URL.Path)
	if c, ok := tabOf[current]; ok {
		current = c
	}
	nav := &projectNav{Path: p.FullPath(), Name: p.Name, FullName: p.FullName(), Visibility: p.Visibility}
	for _, t := range projectTabs {
		href := "/" + p.FullPath()
		if t.segment != "" {
			href += "/-/" + t.segment
		}
		nav.Tabs = append(nav.Tabs, navTab{Label: t.label, Href: href, Current: t.segment == current})
	}
	return nav
}

// projectView is the project's own page.
type projectView struct {
	Project       ferry.Project
	CanReadCode   bool
	Empty         bool
	Import        string
	ImportError   string
	Counts        []count
	Readme        template.HTML
	ReadmeName    string
	ReadmeIsPlain bool
	ReadmeText    string
}

// count is how many records of one kind the import stored, and the
// page listing them ("" for none).
type count struct {
	Label string
	N     int64
	Href  string
}

// countLabels name the relations whose counts the project page shows,
// in that order, with the segment of their page.
var countLabels = []struct{ relation, label, segment string }{
	{"issues", "Issues", "issues"}, {"merge_requests", "Merge requests", "merge_requests"},
	{"ci_pipelines", "Pipelines", "pipelines"}, {"milestones", "Milestones", "milestones"}, {"labels", "Labels", "labels"},
	{"releases", "Releases", "releases"}, {"snippets", "Snippets", "snippets"}, {"commit_notes", "Commit notes", ""},
	{"protected_branches", "Protected branches", ""}, {"project_members", "Members", "project_members"},
}

// projectHome is /<project>: description, what the import stored, and
// the README of the default branch.
func (s *Web) projectHome(w http.ResponseWriter, r *request) error {
	p := *r.project
	v := projectView{Project: p, CanReadCode: auth.CanReadCode(r.user, r.level, p.Visibility)}
	im, err := s.db.ImportOf(r.ctx(), p.ID)
	switch {
	case err == nil:
		v.Import = im.Status
		if auth.CanAdminProject(r.level) {
			v.ImportError = im.Error
		}
		for _, c := range countLabels {
			if n, ok := im.Stats.Imported[c.relation]; ok {
				v.Counts = append(v.Counts, count{Label: c.label, N: n, Href: countHref(p, c.segment)})
			}
		}
	case !errors.Is(err, ferry.ErrNotFound):
		return err
	}
	if v.CanReadCode {
		if err := s.readme(r, &v); err != nil {
			return err
		}
	}
	return s.render(w, r, "project", v)
}

// countHref is the page of p listing what a count counts.
func countHref(p ferry.Project, segment string) string {
	switch segment {
	case "":
		return ""
	case "milestones":
		return "/" + p.FullPath() + "/-/milestones?state=all"
	case "issues", "merge_requests":
		return "/" + p.FullPath() + "/-/" + segment + "?state=all"
	}
	return "/" + p.FullPath() + "/-/" + segment
}

// readmeNames are the README files GitLab shows, most preferred first.
var readmeNames = []string{"README.md", "README.markdown", "README", "README.txt", "readme.md", "Readme.md", "README.rst"}

// maxReadme is the largest README the page renders.
const maxReadme = 512 << 10

// readme fills v's README from the default branch's root.
func (s *Web) readme(r *request, v *projectView) error {
	dir := s.repos.Dir(v.Project.ID)
	sha, err := git.ResolveCommit(r.ctx(), dir, v.Project.DefaultBranch)
	if errors.Is(err, git.ErrNoRef) {
		v.Empty = true
		return nil
	}
	if err != nil {
		return err
	}
	entries, err := git.Tree(r.ctx(), dir, sha, "", false)
	if err != nil {
		return err
	}
	var found *git.TreeEntry
	for _, name := range readmeNames {
		if i := slices.IndexFunc(entries, func(e git.TreeEntry) bool { return e.Type == "blob" && e.Name == name }); i >= 0 {
			found = &entries[i]
			break
		}
	}
	if found == nil {
		return nil
	}
	text, ok, err := s.blobText(r, dir, found.ID, maxReadme)
	if err != nil || !ok {
		return err
	}
	v.ReadmeName = found.Name
	if lower := strings.ToLower(found.Name); strings.HasSuffix(lower, ".md") || strings.HasSuffix(lower, ".markdown") {
		v.Readme, err = s.markdown(r, text)
		return err
	}
	v.ReadmeIsPlain, v.ReadmeText = true, text
	return nil
}

// blobText returns blob sha's text when it is at most limit bytes and
// not binary (ok false otherwise).
func (s *Web) blobText(r *request, dir, sha string, limit int64) (string, bool, error) {
	size, err := git.BlobSize(r.ctx(), dir, sha)
	if err != nil {
		return "", false, err
	}
	return s.sizedBlobText(r, dir, sha, size, limit)
}

// sizedBlobText is blobText for a blob whose size is known (git.BlobAt's).
func (s *Web) sizedBlobText(r *request, dir, sha string, size, limit int64) (string, bool, error) {
	if size > limit {
		return "", false, nil
	}
	var buf bytes.Buffer
	if err := git.StreamBlob(r.ctx(), dir, sha, &buf); err != nil {
		return "", false, err
	}
	if isBinary(buf.Bytes()) {
		return "", false, nil
	}
	return buf.String(), true, nil
}

// isBinary reports whether b looks binary, as git decides: a NUL byte in
// its first 8000 bytes.
func isBinary(b []byte) bool {
	return bytes.IndexByte(b[:min(len(b), 8000)], 0) >= 0
}

package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/content"
	"github.com/ferryhq/ferry/internal/store"
)

// mergeRequestStates are the merge request list's state filters, the
// default first.
var mergeRequestStates = []string{"opened", "merged", "closed", "all"}

// mergeRequestsView is the list of a project's merge requests.
type mergeRequestsView struct {
	List          issuableList
	MergeRequests []content.MergeRequest
}

// mergeRequests is /<project>/-/merge_requests (the list),
// /<project>/-/merge_requests/<iid> and its /diffs.
func (s *Web) mergeRequests(w http.ResponseWriter, r *request) error {
	if r.rest != "" {
		return s.mergeRequest(w, r)
	}
	f, list := s.issuableFilter(r, mergeRequestStates)
	items, total, err := s.content.MergeRequests(r.ctx(), viewer(r), f)
	if err != nil {
		return err
	}
	list.Pages, list.Count = totalPager(r, f.Page, total), countText(total)
	return s.render(w, r, "merge_requests", mergeRequestsView{List: list, MergeRequests: items})
}

// mergeRequestView is one merge request: its overview with the
// discussions, or its changes.
type mergeRequestView struct {
	MR          content.MergeRequestDetail
	Description template.HTML
	Threads     activity
	// Changes is set on /diffs: the stored diff's files.
	Changes bool
	Files   []diffFileView
	Commits []content.DiffCommit
}

// mergeRequest is /<project>/-/merge_requests/<iid>[/diffs].
func (s *Web) mergeRequest(w http.ResponseWriter, r *request) error {
	iid, tail, err := iidOf(r)
	if err != nil || tail != "" && tail != "diffs" {
		return ferry.ErrNotFound
	}
	mr, err := s.content.MergeRequest(r.ctx(), viewer(r), *r.project, iid)
	if err != nil {
		return err
	}
	v := mergeRequestView{MR: mr, Changes: tail == "diffs"}
	if v.Changes {
		diff, err := s.content.MergeRequestDiffs(r.ctx(), viewer(r), *r.project, iid)
		if err != nil {
			return err
		}
		v.Files, v.Commits = diffFiles(diff.Files), diff.Commits
		return s.render(w, r, "merge_request", v)
	}
	if v.Description, err = s.markdownOf(r, mr.Description); err != nil {
		return err
	}
	if v.Threads, err = s.threads(r, store.MergeRequestKind, iid); err != nil {
		return err
	}
	return s.render(w, r, "merge_request", v)
}

// diffFileView is one file of a diff, its lines marked.
type diffFileView struct {
	content.DiffFile
	Lines []diffLine
	// Cut is set when the page shows only part of the file's diff (or
	// none of it), having shown maxDiffLines.
	Cut bool
}

// diffLine is a line of a unified diff and its kind: add, del, hunk or
// "" (context).
type diffLine struct {
	Class, Text string
}

// maxDiffLines is how many lines of a merge request's diff its page
// shows; the files past it are listed without their lines.
const maxDiffLines = 20_000

// diffFiles marks the lines of files' unified diffs, up to maxDiffLines
// in all.
func diffFiles(files []content.DiffFile) []diffFileView {
	out := make([]diffFileView, 0, len(files))
	left := maxDiffLines
	for _, f := range files {
		v := diffFileView{DiffFile: f}
		if f.Diff != "" {
			lines := strings.Split(strings.TrimSuffix(f.Diff, "\n"), "\n")
			v.Cut = len(lines) > left
			inHunk := false
			for _, line := range lines[:min(len(lines), left)] {
				class := lineClass(line, inHunk)
				inHunk = inHunk || class == "hunk"
				v.Lines = append(v.Lines, diffLine{Class: class, Text: line})
			}
			left -= len(v.Lines)
		}
		out = append(out, v)
	}
	return out
}

// lineClass is a unified diff line's kind; before the first hunk
// (inHunk false), "---" and "+++" name the files.
func lineClass(line string, inHunk bool) string {
	switch {
	case strings.HasPrefix(line, "@@"):
		return "hunk"
	case !inHunk && (strings.HasPrefix(line, "+++") || strings.HasPrefix(line, "---")):
		return "file"
	case strings.HasPrefix(line, "+"):
		return "add"
	case strings.HasPrefix(line, "-"):
		return "del"
	}
	return ""
}

package api

import (
	"net/http"
	"strconv"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/git"
)

// blameCommit is GitLab's Entities::BlameRangeCommit.
type blameCommit struct {
	ID             string   `json:"id"`
	ParentIDs      []string `json:"parent_ids"`
	Message        string   `json:"message"`
	AuthoredDate   zoned    `json:"authored_date"`
	AuthorName     string   `json:"author_name"`
	AuthorEmail    string   `json:"author_email"`
	CommittedDate  zoned    `json:"committed_date"`
	CommitterName  string   `json:"committer_name"`
	CommitterEmail string   `json:"committer_email"`
}

// blameRange is GitLab's Entities::BlameRange.
type blameRange struct {
	Commit blameCommit `json:"commit"`
	Lines  []string    `json:"lines"`
}

// blameFile is GET /projects/:id/repository/files/:file_path/blame: ref,
// range[start] and range[end] (1-based lines), answered as runs of lines
// with the commit that last changed them, and the file's X-Gitlab-*
// headers.
func (a *API) blameFile(w http.ResponseWriter, r *request) error {
	from, to, err := blameLines(r.params)
	if err != nil {
		return err
	}
	f, dir, err := a.fileAt(r, false)
	if err != nil {
		return err
	}
	ranges, err := git.Blame(r.ctx(), dir, f.CommitID, f.FilePath, from, to)
	if err != nil {
		return err
	}
	var shas []string
	for _, br := range ranges {
		shas = append(shas, br.Commit)
	}
	byID, err := commitsByID(r, dir, shas)
	if err != nil {
		return err
	}
	out := make([]blameRange, 0, len(ranges))
	for _, br := range ranges {
		c := byID[br.Commit]
		out = append(out, blameRange{Lines: br.Lines, Commit: blameCommit{ID: c.ID, ParentIDs: append([]string{}, c.ParentIDs...),
			Message: c.Message, AuthoredDate: zoned(c.AuthoredDate), AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail,
			CommittedDate: zoned(c.CommittedDate), CommitterName: c.CommitterName, CommitterEmail: c.CommitterEmail}})
	}
	setFileHeaders(w, f)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// blameLines reads range[start] and range[end]: both or neither, each a
// positive line number, start at most end (0, 0 without a range).
func blameLines(p params) (int, int, error) {
	rng := p.hash("range")
	if len(rng) == 0 {
		return 0, 0, nil
	}
	bounds := [2]int{}
	for i, key := range []string{"start", "end"} {
		v, ok := rng[key]
		if !ok {
			return 0, 0, &ferry.MissingError{Params: []string{"range[" + key + "]"}}
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return 0, 0, &ferry.ParamError{Param: "range[" + key + "]", Reason: "does not have a valid value"}
		}
		bounds[i] = n
	}
	if bounds[0] > bounds[1] {
		return 0, 0, apiError(http.StatusBadRequest, "range[start] must be less than or equal to range[end]")
	}
	return bounds[0], bounds[1], nil
}

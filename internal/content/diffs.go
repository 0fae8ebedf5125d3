package content

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/store"
)

// DiffFile is one file of a merge request's stored diff (GitLab's
// merge_request_diff_files, as the export keeps them).
type DiffFile struct {
	OldPath     string `json:"old_path"`
	NewPath     string `json:"new_path"`
	NewFile     bool   `json:"new_file"`
	RenamedFile bool   `json:"renamed_file"`
	DeletedFile bool   `json:"deleted_file"`
	TooLarge    bool   `json:"too_large"`
	Binary      bool   `json:"binary"`
	Diff        string `json:"utf8_diff"`
	Order       int    `json:"relative_order"`
}

// DiffCommit is one commit of a merge request's stored diff (GitLab's
// merge_request_diff_commits).
type DiffCommit struct {
	SHA          string `json:"sha"`
	Message      string `json:"message"`
	AuthorName   string `json:"author_name"`
	AuthoredDate string `json:"authored_date"`
	Order        int    `json:"relative_order"`
}

// Title is the first line of the commit's message.
func (c DiffCommit) Title() string {
	title, _, _ := strings.Cut(c.Message, "\n")
	return title
}

// MergeRequestDiff is the stored diff of a merge request: its files and
// commits in their order (the commits newest first, as GitLab keeps
// them), and its refs.
type MergeRequestDiff struct {
	BaseSHA string       `json:"base_commit_sha"`
	HeadSHA string       `json:"head_commit_sha"`
	Files   []DiffFile   `json:"merge_request_diff_files"`
	Commits []DiffCommit `json:"merge_request_diff_commits"`
}

// MergeRequestDiffs returns the stored diff of p's merge request iid (an
// empty one when the export kept none). Returns ferry.ErrNotFound if there
// is no such merge request.
func (r *Reader) MergeRequestDiffs(ctx context.Context, v Viewer, p ferry.Project, iid int64) (MergeRequestDiff, error) {
	row, err := r.row(ctx, v, p, store.MergeRequestKind, iid)
	if err != nil {
		return MergeRequestDiff{}, err
	}
	data, err := r.db.RelationRecordAt(ctx, p.ID, store.MergeRequestKind, row.Position)
	if err != nil {
		return MergeRequestDiff{}, err
	}
	var rec struct {
		Diff *MergeRequestDiff `json:"merge_request_diff"`
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		return MergeRequestDiff{}, fmt.Errorf("merge request %d diff: %w", iid, err)
	}
	if rec.Diff == nil {
		return MergeRequestDiff{}, nil
	}
	slices.SortStableFunc(rec.Diff.Files, func(a, b DiffFile) int { return a.Order - b.Order })
	slices.SortStableFunc(rec.Diff.Commits, func(a, b DiffCommit) int { return a.Order - b.Order })
	return *rec.Diff, nil
}

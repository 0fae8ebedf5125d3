package api

import (
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/git"
)

// zoned is a commit date as GitLab writes it: in the commit's own zone,
// with milliseconds ("2012-09-20T09:06:12.000+03:00").
type zoned time.Time

// MarshalJSON writes GitLab's format.
func (t zoned) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).Format("2006-01-02T15:04:05.000-07:00") + `"`), nil
}

// commitEntity is GitLab's Entities::Commit.
type commitEntity struct {
	ID               string            `json:"id"`
	ShortID          string            `json:"short_id"`
	CreatedAt        zoned             `json:"created_at"`
	ParentIDs        []string          `json:"parent_ids"`
	Title            string            `json:"title"`
	Message          string            `json:"message"`
	AuthorName       string            `json:"author_name"`
	AuthorEmail      string            `json:"author_email"`
	AuthoredDate     zoned             `json:"authored_date"`
	CommitterName    string            `json:"committer_name"`
	CommitterEmail   string            `json:"committer_email"`
	CommittedDate    zoned             `json:"committed_date"`
	Trailers         map[string]string `json:"trailers"`
	ExtendedTrailers map[string]string `json:"extended_trailers"`
	WebURL           string            `json:"web_url"`
}

// commitStats is the stats of Entities::CommitDetail.
type commitStats struct {
	Additions int `json:"additions"`
	Deletions int `json:"deletions"`
	Total     int `json:"total"`
}

// commitWithStats is GitLab's Entities::CommitWithStats.
type commitWithStats struct {
	commitEntity
	Stats *commitStats `json:"stats"`
}

// commitDetail is GitLab's Entities::CommitDetail.
type commitDetail struct {
	commitEntity
	Stats        *commitStats `json:"stats,omitempty"`
	Status       *string      `json:"status"`
	ProjectID    int64        `json:"project_id"`
	LastPipeline any          `json:"last_pipeline"`
}

// branchEntity is GitLab's Entities::Branch.
type branchEntity struct {
	Name               string       `json:"name"`
	Commit             commitEntity `json:"commit"`
	Merged             bool         `json:"merged"`
	Protected          bool         `json:"protected"`
	DevelopersCanPush  bool         `json:"developers_can_push"`
	DevelopersCanMerge bool         `json:"developers_can_merge"`
	CanPush            bool         `json:"can_push"`
	Default            bool         `json:"default"`
	WebURL             string       `json:"web_url"`
}

// tagEntity is GitLab's Entities::Tag.
type tagEntity struct {
	Name      string        `json:"name"`
	Message   string        `json:"message"`
	Target    string        `json:"target"`
	Commit    *commitEntity `json:"commit"`
	Release   any           `json:"release"`
	Protected bool          `json:"protected"`
}

// treeObject is GitLab's Entities::TreeObject.
type treeObject struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	Path string `json:"path"`
	Mode string `json:"mode"`
}

// diffEntity is GitLab's Entities::Diff.
type diffEntity struct {
	Diff          string `json:"diff"`
	Collapsed     bool   `json:"collapsed"`
	TooLarge      bool   `json:"too_large"`
	NewPath       string `json:"new_path"`
	OldPath       string `json:"old_path"`
	AMode         string `json:"a_mode"`
	BMode         string `json:"b_mode"`
	NewFile       bool   `json:"new_file"`
	RenamedFile   bool   `json:"renamed_file"`
	DeletedFile   bool   `json:"deleted_file"`
	GeneratedFile bool   `json:"generated_file"`
}

// compareEntity is GitLab's Entities::Compare.
type compareEntity struct {
	Commit         *commitEntity  `json:"commit"`
	Commits        []commitEntity `json:"commits"`
	Diffs          []diffEntity   `json:"diffs"`
	CompareTimeout bool           `json:"compare_timeout"`
	CompareSameRef bool           `json:"compare_same_ref"`
	WebURL         string         `json:"web_url"`
}

// commit shows c of project p.
func (a *API) commit(p ferry.Project, c git.Commit) commitEntity {
	return commitEntity{ID: c.ID, ShortID: c.ID[:min(8, len(c.ID))], CreatedAt: zoned(c.CommittedDate),
		ParentIDs: append([]string{}, c.ParentIDs...), Title: c.Title, Message: c.Message,
		AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthoredDate: zoned(c.AuthoredDate),
		CommitterName: c.CommitterName, CommitterEmail: c.CommitterEmail, CommittedDate: zoned(c.CommittedDate),
		Trailers: map[string]string{}, ExtendedTrailers: map[string]string{},
		WebURL: a.base + "/" + p.FullPath() + "/-/commit/" + c.ID}
}

// commits shows cs of project p.
func (a *API) commits(p ferry.Project, cs []git.Commit) []commitEntity {
	out := make([]commitEntity, 0, len(cs))
	for _, c := range cs {
		out = append(out, a.commit(p, c))
	}
	return out
}

// diff shows d.
func diff(d git.Diff) diffEntity {
	mode := func(m string) string { // git's 000000 is GitLab's "0"
		if m == "000000" {
			return "0"
		}
		return m
	}
	return diffEntity{Diff: d.Patch, NewPath: d.NewPath, OldPath: d.OldPath, AMode: mode(d.AMode), BMode: mode(d.BMode),
		NewFile: d.New, RenamedFile: d.Renamed, DeletedFile: d.Deleted}
}

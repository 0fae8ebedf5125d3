// Package generate writes valid GitLab project export archives of a named
// scale, for benchmarks and load tests: the layout and relation shapes the
// importer reads (tree/project.json, NDJSON relations with nested notes,
// award emoji, label links, events, merge request diffs, pipelines with
// stages and builds; project.bundle, a wiki bundle, uploads referenced from
// markdown, LFS objects). The repository is built with git fast-import,
// with thousands of commits, branches and tags. The same seed gives the
// same records.
package generate

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"

	"github.com/ferryhq/ferry/internal/archive"
)

// Scale sizes one archive.
type Scale struct {
	Name          string
	Issues        int
	MergeRequests int
	NotesPer      int // notes on each issue and merge request
	DiffFilesPer  int // diff files of each merge request
	DiffLines     int // lines of each diff file
	CommitsPer    int // commits of each merge request diff (default 3)
	Pipelines     int
	BuildsPer     int
	Labels        int
	Milestones    int
	Commits       int
	RepoBytes     int64 // roughly the bundle's size
	// Spread, when set, makes the per-item counts above means instead of
	// constants: each is drawn from a long tail (most items have a few
	// notes or files, some hundreds), as in a real project, and notes are
	// part system notes, part comments with an event and now and then an
	// award emoji (see spread.go). MRNotesPer is then the mean of notes on
	// a merge request (NotesPer is the issues').
	Spread     bool
	MRNotesPer int
	// HugeRecord, when set, makes the first merge request's description
	// about this many bytes: one record near the archive's line limit.
	HugeRecord int
}

// Scales are the named sizes: s is small; m is about GitLab's "GitLabHQ"
// data set (≈ 80 MB of relation JSON, ≈ 600 MB bundle, 4,000 merge
// requests); l is four times m; xl is about GitLab's XL set (≈ 2.5 GB
// JSON, ≈ 4 GB bundle). m, l and xl spread their per-item counts; the
// calibration and its sources are in BENCHMARKS.md ("The archives").
var Scales = map[string]Scale{
	"s": {Name: "s", Issues: 1000, MergeRequests: 1000, NotesPer: 10, DiffFilesPer: 3, DiffLines: 20, Pipelines: 500, BuildsPer: 4, Labels: 50, Milestones: 20, Commits: 2000, RepoBytes: 10 << 20},
	"m": {Name: "m", Issues: 3000, MergeRequests: 4000, NotesPer: 4, MRNotesPer: 8, DiffFilesPer: 8, DiffLines: 20, CommitsPer: 4,
		Pipelines: 2500, BuildsPer: 8, Labels: 200, Milestones: 60, Commits: 6000, RepoBytes: 600 << 20, Spread: true},
	"l": {Name: "l", Issues: 12000, MergeRequests: 16000, NotesPer: 4, MRNotesPer: 8, DiffFilesPer: 8, DiffLines: 20, CommitsPer: 4,
		Pipelines: 10000, BuildsPer: 8, Labels: 400, Milestones: 120, Commits: 12000, RepoBytes: 2400 << 20, Spread: true},
	"xl": {Name: "xl", Issues: 50000, MergeRequests: 60000, NotesPer: 5, MRNotesPer: 8, DiffFilesPer: 15, DiffLines: 28, CommitsPer: 6,
		Pipelines: 60000, BuildsPer: 10, Labels: 800, Milestones: 240, Commits: 20000, RepoBytes: 4000 << 20, Spread: true},

	// huge is a small project with one 40 MiB merge request (a record near
	// archive.MaxJSONLine), to measure what one big record costs.
	// reads is a project of 150,000 issues with notes and a small
	// repository, to measure the read API (`ferry bench --reads`).
	"reads": {Name: "reads", Issues: 150000, MergeRequests: 100, NotesPer: 3, DiffFilesPer: 1, DiffLines: 5, Pipelines: 10, BuildsPer: 1, Labels: 40, Milestones: 12, Commits: 100, RepoBytes: 2 << 20},
	"huge":  {Name: "huge", Issues: 20, MergeRequests: 20, NotesPer: 2, DiffFilesPer: 2, DiffLines: 5, Pipelines: 5, BuildsPer: 2, Labels: 5, Milestones: 3, Commits: 100, RepoBytes: 1 << 20, HugeRecord: 40 << 20},
}

// ScaleNames lists the scales from small to large.
func ScaleNames() []string {
	names := make([]string, 0, len(Scales))
	for n := range Scales {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return Scales[names[i]].RepoBytes < Scales[names[j]].RepoBytes })
	return names
}

// Write generates an archive of scale sc into w, using scratch for the
// repository and relation files (removed when done).
func Write(ctx context.Context, w io.Writer, sc Scale, seed uint64, scratch string) error {
	_, err := WriteCounts(ctx, w, sc, seed, scratch)
	return err
}

// WriteCounts is Write, and returns how many records of each kind it wrote.
func WriteCounts(ctx context.Context, w io.Writer, sc Scale, seed uint64, scratch string) (Counts, error) {
	work, err := os.MkdirTemp(scratch, "generate-*")
	if err != nil {
		return nil, err
	}
	if work, err = filepath.Abs(work); err != nil { // git runs in other folders
		return nil, err
	}
	defer os.RemoveAll(work)
	g := &gen{sc: sc, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), dir: work, counts: Counts{}}
	aw := archive.NewWriter(w)
	steps := []func(context.Context, *archive.Writer) error{g.versions, g.tree, g.repositories, g.files}
	for _, step := range steps {
		if err := step(ctx, aw); err != nil {
			return nil, err
		}
	}
	return g.counts, aw.Close()
}

type gen struct {
	sc     Scale
	rnd    *rand.Rand
	dir    string
	counts Counts
}

func (g *gen) versions(_ context.Context, aw *archive.Writer) error {
	if err := aw.AddBytes(archive.VersionFile, []byte(archive.Version)); err != nil {
		return err
	}
	return aw.AddBytes(archive.GitLabVersionFile, []byte("18.6.0"))
}

// addFile copies a scratch file into the archive and removes it.
func addFile(aw *archive.Writer, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer os.Remove(path)
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	return aw.AddFile(name, info.Size(), f)
}

func (g *gen) scratch(name string) string { return filepath.Join(g.dir, name) }

func (g *gen) pick(list []string) string { return list[g.rnd.IntN(len(list))] }

func ts(i int) string {
	return fmt.Sprintf("2023-%02d-%02dT%02d:%02d:%02d.%03dZ", 1+i%12, 1+i%28, i%24, i%60, (i*7)%60, i%1000)
}

// Package migrate moves projects between two servers that speak GitLab's
// project import/export API, one project after the other: export on the
// source, download the archive, count its records with the importer's dry
// run (importer.Check), upload it to the target, wait for the import,
// then verify that the target read every record of the archive and list
// its failed relations. A group may go first, through GitLab's group
// import/export API (group.go), so that its projects land in the
// sub-groups, with the labels and milestones, it brought. It is the
// engine of `ferry migrate`; the servers
// are reached through internal/remote, whose calls wait out rate limits
// and retry transient failures.
package migrate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/importer"
	"github.com/ferryhq/ferry/internal/remote"
)

// Item is one project to move: its full path on the source, and the
// namespace and path it gets on the target.
type Item struct {
	// Kind is KindGroup for a group moved through its group archive;
	// empty for a project.
	Kind      string `json:"kind,omitempty"`
	Source    string `json:"source"`
	Namespace string `json:"target_namespace"`
	Path      string `json:"target_path"`
}

// KindGroup is the Kind of a group's item.
const KindGroup = "group"

// Target is the item's full path on the target.
func (it Item) Target() string {
	if it.Namespace == "" {
		return it.Path
	}
	return it.Namespace + "/" + it.Path
}

// NewItem is the item that moves source to namespace/p; an empty
// namespace or p keeps the source's.
func NewItem(source, namespace, p string) Item {
	source = strings.Trim(source, "/")
	if namespace == "" {
		namespace = path.Dir(source)
	}
	if p == "" {
		p = path.Base(source)
	}
	return Item{Source: source, Namespace: strings.Trim(namespace, "/"), Path: p}
}

// GroupItem is the item of source, a project of group or of one of its
// subgroups: to the same namespace, or under toNamespace with the same
// subgroups (group/sub/p to toNamespace/sub/p).
func GroupItem(source, group, toNamespace string) Item {
	if toNamespace == "" {
		return NewItem(source, "", "")
	}
	source, group = strings.Trim(source, "/"), strings.Trim(group, "/")
	sub := strings.TrimPrefix(path.Dir(source), group)
	return NewItem(source, strings.Trim(toNamespace, "/")+sub, "")
}

// Migrator moves items from one server to another.
type Migrator struct {
	From, To *remote.Client
	// Dir holds the archives while they move (the current folder when
	// empty); Keep leaves them there.
	Dir  string
	Keep bool
	// Overwrite replaces a project already at the target path.
	Overwrite bool
	// Jobs is how many items move at once (at least 1). The servers'
	// rate limits are honoured whatever it is: a call the server refuses
	// with 429 waits its Retry-After.
	Jobs int
	// CreateGroups creates the target namespaces that are missing, as
	// groups (with their parents).
	CreateGroups bool
	// Stage, if set, moves each archive through a place the target
	// downloads it from (remote-import) instead of uploading it.
	Stage   Stager
	mu      sync.Mutex
	ensured map[string]bool // namespaces known to exist
	ended   map[string]int  // items ended in this run, by kind
	totals  map[string]int  // items of this run, by kind
	Logger  *slog.Logger
	// Events, if set, is told how each item goes.
	Events Events
	// State is the state file ("": none): a rerun with it skips the
	// items that migrated, and waits for an import that was running
	// instead of uploading the archive again.
	State string
}

// Events are told how a migration goes; any may be nil.
type Events struct {
	// Step says that item begins step: export, download, check, import.
	Step func(it Item, step string)
	// Bytes is a transfer's progress (what: download, upload).
	Bytes func(it Item, what string, done, total int64)
	// State is a job's status on its server, with Ferry's progress when
	// it gives one and the records counted so far (-1: unknown).
	State func(it Item, state string, p *ferry.Progress, records int64)
	// Done says that an item ended, and how many of all of its kind
	// have (calls come one at a time).
	Done func(r Result, done, total int)
}

// Result is how one item ended.
type Result struct {
	Item
	// Outcome is "migrated", or "failed" (Step and Error say where and
	// why), or "mismatch" (imported, but the target did not read every
	// record of the archive: Mismatches). In the state file, "importing"
	// marks an import the target accepted but that was not seen ending.
	Outcome string `json:"outcome"`
	// Earlier is set when the item had migrated in an earlier run with
	// the same state file, and was skipped.
	Earlier         bool                    `json:"earlier_run,omitempty"`
	Step            string                  `json:"step,omitempty"`
	Error           string                  `json:"error,omitempty"`
	ProjectID       int64                   `json:"target_project_id,omitempty"`
	GroupID         int64                   `json:"target_group_id,omitempty"`
	ArchiveBytes    int64                   `json:"archive_bytes"`
	Records         int64                   `json:"records"`
	Mismatches      []string                `json:"mismatches,omitempty"`
	FailedRelations []remote.FailedRelation `json:"failed_relations"`
	Seconds         float64                 `json:"seconds"`
	// Refs is how many branches and tags were compared (source against
	// target); Warnings say what could not be checked.
	Refs     int      `json:"refs"`
	Warnings []string `json:"warnings,omitempty"`
	// Counts are the archive's records per relation, kept to verify an
	// import resumed in a later run.
	Counts map[string]int64 `json:"archive_counts,omitempty"`
	lost   bool             // the import was accepted, its end not seen
}

// Run moves the items and returns a result for each item started, in
// the items' order: first the groups (KindGroup), one after the other,
// then the projects, Jobs at a time, unless a group failed: its projects
// would have no place to go. It stops starting items when ctx ends or
// the state file cannot be written (that error is returned).
func (m *Migrator) Run(ctx context.Context, items []Item) ([]Result, error) {
	st, err := loadState(m.State)
	if err != nil {
		return nil, err
	}
	m.count(items)
	var groups []Result
	for len(items) > 0 && items[0].Kind == KindGroup && ctx.Err() == nil && st.failed() == nil {
		r := m.item(ctx, items[0], st)
		m.done(r)
		groups, items = append(groups, r), items[1:]
		if r.Outcome == "failed" {
			return groups, st.failed()
		}
	}
	if ctx.Err() != nil || st.failed() != nil {
		return groups, st.failed()
	}
	results, err := m.projects(ctx, items, st)
	return append(groups, results...), err
}

// count notes how many items of each kind the run has.
func (m *Migrator) count(items []Item) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ended, m.totals = map[string]int{}, map[string]int{}
	for _, it := range items {
		m.totals[it.Kind]++
	}
}

// projects moves the items, Jobs at a time.
func (m *Migrator) projects(ctx context.Context, items []Item, st *state) ([]Result, error) {
	results, started := make([]Result, len(items)), make([]bool, len(items))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(m.Jobs, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = m.item(ctx, items[i], st)
				m.done(results[i])
			}
		}()
	}
	for i := range items {
		if ctx.Err() != nil || st.failed() != nil {
			break
		}
		next <- i
		started[i] = true
	}
	close(next)
	wg.Wait()
	var out []Result
	for i, r := range results {
		if started[i] {
			out = append(out, r)
		}
	}
	return out, st.failed()
}

// item moves one item, unless the state file says it migrated, and saves
// how it went.
func (m *Migrator) item(ctx context.Context, it Item, st *state) Result {
	prev := st.get(it)
	// A group imported with a mismatch cannot be imported again: its
	// path is taken.
	if prev != nil && (prev.Outcome == "migrated" || (it.Kind == KindGroup && prev.Outcome == "mismatch")) {
		prev.Earlier = true
		return *prev
	}
	start := time.Now()
	move := m.one
	if it.Kind == KindGroup {
		move = m.oneGroup
	}
	r := move(ctx, it, prev, st)
	r.Seconds = time.Since(start).Round(time.Millisecond).Seconds()
	if r.FailedRelations == nil {
		r.FailedRelations = []remote.FailedRelation{}
	}
	if ctx.Err() == nil { // an interrupted item stays as it was last saved
		saved := r
		if r.lost {
			saved.Outcome = "importing"
		}
		st.set(saved)
	}
	kind := it.Kind
	if kind == "" {
		kind = "project"
	}
	m.Logger.InfoContext(ctx, kind+" done", "source", it.Source, "target", it.Target(), "outcome", r.Outcome)
	return r
}

// one moves one item, or waits for its import when an earlier run saw
// it accepted (prev).
func (m *Migrator) one(ctx context.Context, it Item, prev *Result, st *state) Result {
	r := Result{Item: it}
	fail := func(step string, err error) Result {
		r.Outcome, r.Step, r.Error = "failed", step, err.Error()
		return r
	}
	if prev != nil && prev.Outcome == "importing" && prev.ProjectID != 0 {
		r = *prev
		m.step(it, "import")
		final, err := m.To.WaitImport(ctx, prev.ProjectID, m.importSeen(it))
		return m.checkRefs(ctx, m.imported(r, final, err))
	}
	file, remove, err := m.fetch(&r, func() (string, error) { return m.export(ctx, it) })
	if err != nil {
		return fail("export", err)
	}
	defer remove()
	m.step(it, "check")
	counts, err := countRecords(ctx, file, m.Dir, m.Logger)
	if err != nil {
		return fail("check", err)
	}
	r.Counts = counts
	for _, n := range counts {
		r.Records += n
	}
	if err := m.ensureNamespace(ctx, it.Namespace); err != nil {
		return fail("namespace", fmt.Errorf("on %s: %w", m.To.Server(), err))
	}
	final, err := m.importArchive(ctx, it, file, &r, func(accepted remote.ImportStatus) {
		r.Outcome, r.ProjectID = "importing", accepted.ID
		st.set(r)
	})
	return m.checkRefs(ctx, m.imported(r, final, err))
}

// fetch runs export (an archive into Dir) and notes the archive's size
// in r. It returns the file and what removes it (nothing with Keep).
func (m *Migrator) fetch(r *Result, export func() (string, error)) (string, func(), error) {
	file, err := export()
	if err != nil {
		return "", nil, fmt.Errorf("on %s: %w", m.From.Server(), err)
	}
	if info, err := os.Stat(file); err == nil {
		r.ArchiveBytes = info.Size()
	}
	if m.Keep {
		return file, func() {}, nil
	}
	return file, func() { os.Remove(file) }, nil
}

// imported ends r with the import's last status: failed, or migrated
// when the target read every record of the archive.
func (m *Migrator) imported(r Result, final remote.ImportStatus, err error) Result {
	if final.ID != 0 {
		r.ProjectID = final.ID
	}
	r.FailedRelations = final.FailedRelations
	if err != nil {
		r.Outcome, r.Step, r.Error = "failed", "import", fmt.Sprintf("on %s: %v", m.To.Server(), err)
		// The target accepted the import but was not seen ending it (it
		// went away): a rerun waits for that import again.
		r.lost = r.ProjectID != 0 && !errors.Is(err, remote.ErrImportFailed)
		return r
	}
	r.Outcome, r.Step, r.Error, r.lost = "migrated", "", "", false
	if r.Mismatches = verify(r.Counts, final); len(r.Mismatches) > 0 {
		r.Outcome = "mismatch"
	}
	return r
}

// ensureNamespace creates the target namespace (and its parents) when
// CreateGroups is set and it is missing.
func (m *Migrator) ensureNamespace(ctx context.Context, ns string) error {
	if !m.CreateGroups {
		return nil
	}
	m.mu.Lock() // one at a time: two items may share a missing group
	defer m.mu.Unlock()
	if m.ensured[ns] {
		return nil
	}
	created, err := m.To.EnsureGroup(ctx, ns)
	for _, g := range created {
		m.Logger.InfoContext(ctx, "group created on the target", "group", g)
	}
	if err != nil {
		return err
	}
	if m.ensured == nil {
		m.ensured = map[string]bool{}
	}
	m.ensured[ns] = true
	return nil
}

// done counts an ended item and tells Events.Done.
func (m *Migrator) done(r Result) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ended[r.Kind]++
	if m.Events.Done != nil {
		m.Events.Done(r, m.ended[r.Kind], m.totals[r.Kind])
	}
}

func (m *Migrator) step(it Item, step string) {
	if m.Events.Step != nil {
		m.Events.Step(it, step)
	}
}

func (m *Migrator) bytes(it Item, what string) func(done, total int64) {
	return func(done, total int64) {
		if m.Events.Bytes != nil {
			m.Events.Bytes(it, what, done, total)
		}
	}
}

func (m *Migrator) state(it Item, state string, p *ferry.Progress, records int64) {
	if m.Events.State != nil {
		m.Events.State(it, state, p, records)
	}
}

// importSeen tells Events.State each import status of it.
func (m *Migrator) importSeen(it Item) func(remote.ImportStatus) {
	return func(st remote.ImportStatus) { m.state(it, st.Status, st.Progress, st.Records()) }
}

// export exports it on the source and downloads the archive into Dir.
func (m *Migrator) export(ctx context.Context, it Item) (string, error) {
	m.step(it, "export")
	return m.From.ExportArchive(ctx, it.Source, remote.Download{Dir: m.dir(), Bytes: m.bytes(it, "download")},
		func(st remote.ExportStatus) { m.state(it, st.Status, st.Progress, -1) })
}

func (m *Migrator) dir() string {
	if m.Dir == "" {
		return "."
	}
	return m.Dir
}

// importArchive uploads file to the target, or stages it where the
// target downloads it (Stage), telling accepted the new project, and
// waits for its import. The staged archive is deleted once the import
// ended, or was never accepted; an import whose end was not seen keeps
// it (a rerun waits for that import, which may not have read it yet),
// and r warns where it is, as when deleting fails.
func (m *Migrator) importArchive(ctx context.Context, it Item, file string, r *Result, accepted func(remote.ImportStatus)) (remote.ImportStatus, error) {
	m.step(it, "import")
	im := remote.Import{Namespace: it.Namespace, Path: it.Path, Overwrite: m.Overwrite, Bytes: m.bytes(it, "upload"),
		Accepted: accepted}
	seen := m.importSeen(it)
	if m.Stage == nil {
		return m.To.ImportArchive(ctx, file, im, seen)
	}
	staged, err := m.Stage.Stage(ctx, file, m.bytes(it, "upload"))
	if err != nil {
		return remote.ImportStatus{}, fmt.Errorf("staging the archive: %w", err)
	}
	final, err := m.To.ImportURL(ctx, staged.URL, im, seen)
	warn := func(msg string) {
		m.Logger.WarnContext(ctx, msg, "source", it.Source, "staged", staged.Where)
		r.Warnings = append(r.Warnings, msg+": "+staged.Where)
	}
	if final.ID != 0 && err != nil && !errors.Is(err, remote.ErrImportFailed) {
		warn("staged archive kept for the import still running on the target; delete it once it ended")
	} else if rerr := staged.Remove(context.WithoutCancel(ctx)); rerr != nil {
		warn("staged archive not deleted (" + rerr.Error() + ")")
	}
	return final, err
}

// countRecords counts the records of each relation of the archive with
// the importer's dry run.
func countRecords(ctx context.Context, file, dir string, logger *slog.Logger) (map[string]int64, error) {
	rep, err := importer.CheckFile(ctx, file, dir, ferry.DefaultSettings(), logger)
	if err != nil {
		return nil, fmt.Errorf("the archive would not import: %w", err)
	}
	counts := map[string]int64{}
	for _, rc := range rep.Relations {
		counts[rc.Name] = rc.Records
	}
	return counts, nil
}

// checkRefs compares the branches and tags of the source's repository
// with the target's, once the import ended well.
func (m *Migrator) checkRefs(ctx context.Context, r Result) Result {
	if r.Outcome != "migrated" && r.Outcome != "mismatch" {
		return r
	}
	src, err := m.From.Refs(ctx, r.Source)
	var dst map[string]string
	if err == nil {
		dst, err = m.To.Refs(ctx, strconv.FormatInt(r.ProjectID, 10))
	}
	if err != nil {
		r.Warnings = append(r.Warnings, "branches and tags not compared: "+err.Error())
		return r
	}
	r.Refs = len(src)
	if diffs := diffRefs(src, dst); len(diffs) > 0 {
		r.Outcome, r.Mismatches = "mismatch", append(r.Mismatches, diffs...)
	}
	return r
}

// diffRefs lists the refs that differ between the source and the target.
func diffRefs(src, dst map[string]string) []string {
	var diffs []string
	for name, id := range src {
		if got, ok := dst[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: %s on the source, missing on the target", name, id))
		} else if got != id {
			diffs = append(diffs, fmt.Sprintf("%s: %s on the source, %s on the target", name, id, got))
		}
	}
	for name := range dst {
		if _, ok := src[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: only on the target", name))
		}
	}
	sort.Strings(diffs)
	return diffs
}

// verify compares the archive's records with what the target says it
// read (Ferry's stats; a server without them is not compared).
func verify(counts map[string]int64, st remote.ImportStatus) []string {
	s, ok := st.Counts()
	if !ok {
		return nil
	}
	var diffs []string
	for rel, n := range counts {
		if got := s.Fetched[rel]; got != n {
			diffs = append(diffs, fmt.Sprintf("%s: %d records in the archive, %d read by the target", rel, n, got))
		}
	}
	sort.Strings(diffs)
	return diffs
}

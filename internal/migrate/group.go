package migrate

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/ferryhq/ferry/internal/remote"
)

// GroupArchiveItem is the item that moves group through its group
// archive: to toNamespace, or to the same path when it is empty. It goes
// before the group's projects (GroupItem), which then land in the
// sub-groups it brought.
func GroupArchiveItem(group, toNamespace string) Item {
	target := strings.Trim(toNamespace, "/")
	if target == "" {
		target = strings.Trim(group, "/")
	}
	ns := path.Dir(target)
	if ns == "." {
		ns = ""
	}
	return Item{Kind: KindGroup, Source: strings.Trim(group, "/"), Namespace: ns, Path: path.Base(target)}
}

// oneGroup moves a group through its group archive: export and download
// on the source, count the archive's records, import on the target as a
// new group (in its parent, which CreateGroups creates when missing),
// wait, and compare what the target says it imported. A group already
// at the target path is refused: a group archive imports only into a
// new group. When an earlier run saw the import accepted (prev), it
// waits for that import instead.
func (m *Migrator) oneGroup(ctx context.Context, it Item, prev *Result, st *state) Result {
	r := Result{Item: it}
	fail := func(step string, err error) Result {
		r.Outcome, r.Step, r.Error = "failed", step, err.Error()
		return r
	}
	if prev != nil && prev.Outcome == "importing" && prev.GroupID != 0 {
		r = *prev
		m.step(it, "import")
		g := remote.Group{ID: prev.GroupID, FullPath: it.Target()}
		final, err := m.To.WaitGroupImport(ctx, g, prev.Counts["groups"], m.groupSeen(it))
		return m.groupImported(r, final, err)
	}
	name, parent, err := m.groupPlace(ctx, it)
	if err != nil {
		return fail("namespace", err)
	}
	m.step(it, "export")
	file, remove, err := m.fetch(&r, func() (string, error) {
		return m.From.ExportGroupArchive(ctx, it.Source, remote.Download{Dir: m.dir(), Bytes: m.bytes(it, "download")},
			func(s remote.GroupExportStatus) { m.state(it, s.Status, nil, -1) })
	})
	if err != nil {
		return fail("export", err)
	}
	defer remove()
	m.step(it, "check")
	if r.Counts, err = countGroupRecords(ctx, file, m.dir()); err != nil {
		return fail("check", err)
	}
	for _, n := range r.Counts {
		r.Records += n
	}
	m.step(it, "import")
	im := remote.GroupImport{Name: name, Path: it.Path, ParentID: parent, Bytes: m.bytes(it, "upload"),
		Accepted: func(g remote.Group) {
			r.Outcome, r.GroupID = "importing", g.ID
			st.set(r)
		}}
	g, final, err := m.To.ImportGroupArchive(ctx, file, it.Target(), im, r.Counts["groups"], m.groupSeen(it))
	if g.ID != 0 {
		r.GroupID = g.ID
	}
	return m.groupImported(r, final, err)
}

// groupPlace checks that the target path is free and finds (or, with
// CreateGroups, creates) the parent group: it returns the source group's
// name and the parent's id (0: a top-level group).
func (m *Migrator) groupPlace(ctx context.Context, it Item) (name string, parent int64, err error) {
	_, err = m.To.GroupOf(ctx, it.Target())
	switch {
	case err == nil:
		return "", 0, fmt.Errorf("on %s: group %s exists already, and a group archive imports only into a new group: "+
			"choose another --to-namespace, or move the projects into it without --group-archive", m.To.Server(), it.Target())
	case !errors.Is(err, remote.ErrNotFound):
		return "", 0, fmt.Errorf("on %s: %w", m.To.Server(), err)
	}
	src, err := m.From.GroupOf(ctx, it.Source)
	if err != nil {
		return "", 0, fmt.Errorf("on %s: %w", m.From.Server(), err)
	}
	if it.Namespace == "" {
		return src.Name, 0, nil
	}
	if err := m.ensureNamespace(ctx, it.Namespace); err != nil {
		return "", 0, fmt.Errorf("on %s: %w", m.To.Server(), err)
	}
	p, err := m.To.GroupOf(ctx, it.Namespace)
	if errors.Is(err, remote.ErrNotFound) {
		err = fmt.Errorf("%w (the parent group must exist: create it, or give --create-groups)", err)
	}
	if err != nil {
		return "", 0, fmt.Errorf("on %s: %w", m.To.Server(), err)
	}
	return src.Name, p.ID, nil
}

// groupSeen tells Events.State each status of a group import, with the
// records counted so far.
func (m *Migrator) groupSeen(it Item) func(remote.GroupImportStatus) {
	return func(s remote.GroupImportStatus) {
		var n int64
		for _, c := range s.Counts {
			n += c
		}
		m.state(it, s.Status, nil, n)
	}
}

// groupImported ends r with the group import's last status: failed, or
// migrated when the target counts every record of the archive it
// reports on.
func (m *Migrator) groupImported(r Result, final remote.GroupImportStatus, err error) Result {
	r.FailedRelations = final.FailedRelations
	if err != nil {
		r.Outcome, r.Step, r.Error = "failed", "import", fmt.Sprintf("on %s: %v", m.To.Server(), err)
		r.lost = r.GroupID != 0 && !errors.Is(err, remote.ErrImportFailed)
		return r
	}
	r.Outcome, r.Step, r.Error, r.lost = "migrated", "", "", false
	if r.Mismatches = verifyGroup(r.Counts, final.Counts); len(r.Mismatches) > 0 {
		r.Outcome = "mismatch"
	}
	return r
}

// verifyGroup compares the archive's records with those the target
// counts, relation by relation, for the relations it counts (Ferry's
// every one; what GitLab shows: groups and labels). An archive whose
// records were not counted (the legacy layout) is not compared.
func verifyGroup(counts, target map[string]int64) []string {
	if len(counts) == 0 { // an archive whose records were not counted
		return nil
	}
	var diffs []string
	for rel, got := range target {
		if n := counts[rel]; got != n {
			diffs = append(diffs, fmt.Sprintf("%s: %d records in the archive, %d on the target", rel, n, got))
		}
	}
	sort.Strings(diffs)
	return diffs
}

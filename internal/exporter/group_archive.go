package exporter

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
)

// writeGroupArchive streams the archive of group g and its sub-groups
// into blob key and returns its size. The blob appears only when the
// whole archive is written.
func (w *GroupWorker) writeGroupArchive(ctx context.Context, g ferry.Namespace, exporter ferry.User, key string) (int64, error) {
	scratch, err := os.MkdirTemp(w.TempDir, fmt.Sprintf("group-export-%d-*", g.ID))
	if err != nil {
		return 0, fmt.Errorf("scratch folder: %w", err)
	}
	defer os.RemoveAll(scratch)
	sp := newSpool(scratch)
	defer sp.Close()
	return archiveBlob(ctx, w.Blobs, key, nil, func(aw *archive.Writer) error {
		return w.writeGroupEntries(ctx, aw, g, exporter, sp)
	}, nil)
}

// writeGroupEntries writes what GitLab's group export holds
// (Groups::ImportExport::ExportService: VersionSaver, then
// Group::TreeSaver): the version files, tree/groups/_all.ndjson, then
// each group's attributes and relation files, the exported group first
// and its descendants by depth.
func (w *GroupWorker) writeGroupEntries(ctx context.Context, aw *archive.Writer, root ferry.Namespace, exporter ferry.User,
	sp *spool) error {
	for _, f := range []struct{ name, data string }{
		{archive.VersionFile, archive.Version},
		{archive.GitLabVersionFile, w.GitLabVersion},
		{archive.GitLabRevFile, "ferry"},
	} {
		if err := aw.AddBytes(f.name, []byte(f.data)); err != nil {
			return err
		}
	}
	groups, err := w.DB.GroupHierarchy(ctx, root.ID)
	if err != nil {
		return fmt.Errorf("group %d: %w", root.ID, err)
	}
	var ids []byte
	for _, g := range groups {
		ids = strconv.AppendInt(ids, g.ID, 10)
		ids = append(ids, '\n')
	}
	if err := aw.AddBytes(archive.GroupsFile, ids); err != nil {
		return err
	}
	labels := newLabelIndex()
	for _, g := range groups {
		if err := w.writeGroup(ctx, aw, g, exporter, labels, sp); err != nil {
			return fmt.Errorf("export group %d: %w", g.ID, err)
		}
	}
	return nil
}

// writeGroup writes tree/groups/<id>.json and the group's relation files
// in the order of archive.GroupExportTree; a relation without records has
// no file, as GitLab's NDJSON writer makes none.
func (w *GroupWorker) writeGroup(ctx context.Context, aw *archive.Writer, g ferry.Namespace, exporter ferry.User,
	labels *labelIndex, sp *spool) error {
	attrs, err := w.groupAttributes(ctx, g)
	if err != nil {
		return err
	}
	if err := aw.AddBytes(archive.GroupFile(g.ID), attrs); err != nil {
		return err
	}
	if err := labels.add(ctx, w.DB, g); err != nil {
		return err
	}
	stored, err := w.DB.GroupRelationNames(ctx, g.ID)
	if err != nil {
		return err
	}
	src := groupSources{w: w, g: g, labels: labels, withEmails: exporter.IsAdmin, stored: map[string]bool{}}
	for _, n := range stored {
		src.stored[n] = true
	}
	for _, rel := range archive.GroupExportTree.Children {
		if err := sp.reset(); err != nil {
			return err
		}
		var line []byte
		emit := func(record []byte) error {
			if line, err = rel.Filter(line[:0], record); err != nil {
				return err
			}
			_, err := sp.Write(append(line, '\n'))
			return err
		}
		if err := src.each(ctx, rel.Name, emit); err != nil {
			return fmt.Errorf("%s: %w", rel.Name, err)
		}
		if sp.size == 0 {
			continue
		}
		if err := sp.addTo(aw, archive.GroupRelationFile(g.ID, rel.Name)); err != nil {
			return err
		}
	}
	return nil
}

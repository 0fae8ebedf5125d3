package archive

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// The group archive (GitLab's group export, read as GitLab 17.x-18.x's
// lib/gitlab/import_export/group/tree_restorer.rb reads it, and its
// legacy layout as legacy_tree_restorer.rb read it until 15.8; see
// internal/importer/group_import.go for the files and commits followed):
//
//	VERSION                               as for projects (CheckVersion)
//	tree/groups/_all.ndjson               the group ids, one a line, the exported group first
//	tree/groups/<id>.json                 one group's attributes (with its "id" and "parent_id")
//	tree/groups/<id>/<relation>.ndjson    one group's relation, one record a line
//	group.json                            the legacy layout: the top group's attributes,
//	                                      relations as arrays, sub-groups under "children"
const (
	GroupsDir       = TreeDir + "/groups"
	GroupIndexFile  = GroupsDir + "/_all.ndjson"
	LegacyGroupFile = "group.json"

	// MaxGroups is the most groups a group archive may hold.
	MaxGroups = 100_000
)

// groupImportOrder is GitLab's group tree (lib/gitlab/import_export/group/
// import_export.yml: the FOSS tree, then the EE one), the order relations
// are restored in.
var groupImportOrder = []string{
	"milestones", "badges", "labels", "boards", "members", "namespace_settings", "user_contributions",
	"epics", "epic_boards", "iterations_cadences",
}

// legacyGroupRelations are the keys of a legacy group.json that are
// relations whatever their value.
var legacyGroupRelations = append(slices.Clone(groupImportOrder), "children")

// ErrNoGroups is returned by GroupIDs for an empty tree/groups/_all.ndjson.
var ErrNoGroups = errors.New("the group archive lists no group")

// HasGroupTree reports whether dir holds tree/groups/_all.ndjson (the
// NDJSON group layout), whatever kind of file it is.
func HasGroupTree(dir string) bool { return exists(dir, GroupIndexFile) }

// HasLegacyGroup reports whether dir holds a legacy group.json.
func HasLegacyGroup(dir string) bool { return exists(dir, LegacyGroupFile) }

func exists(dir, name string) bool {
	f, _, err := openRegular(dir, name)
	if err == nil {
		f.Close()
		return true
	}
	return !errors.Is(err, fs.ErrNotExist)
}

// GroupIDs reads tree/groups/_all.ndjson: the ids of the archive's
// groups, the exported group first and every parent before its children.
// A line that is not one integer, a symbolic link (GitLab finds no group
// in it either) and a file without ids are ErrJSONFormat, as GitLab
// answers; more than MaxGroups ids are refused.
func GroupIDs(dir string) ([]int64, error) {
	f, _, err := openRegular(dir, GroupIndexFile)
	if errors.Is(err, ErrSymlink) {
		return nil, fmt.Errorf("%w in %s", ErrJSONFormat, GroupIndexFile)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 4096)
	var ids []int64
	for n := 0; ; n++ {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return nil, &LineError{File: GroupIndexFile, Line: n, Err: ErrJSONFormat}
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("archive: reading %s: %w", GroupIndexFile, err)
		}
		if text := bytes.TrimSpace(line); len(text) > 0 {
			id, perr := strconv.ParseInt(string(text), 10, 64)
			if perr != nil || id <= 0 {
				return nil, &LineError{File: GroupIndexFile, Line: n, Err: ErrJSONFormat}
			}
			if len(ids) == MaxGroups {
				return nil, fmt.Errorf("archive: %s lists more than %d groups", GroupIndexFile, MaxGroups)
			}
			ids = append(ids, id)
		}
		if err == io.EOF {
			break
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%w in %s: %w", ErrJSONFormat, GroupIndexFile, ErrNoGroups)
	}
	return ids, nil
}

// groupPath is tree/groups/<id>.
func groupPath(id int64) string { return GroupsDir + "/" + strconv.FormatInt(id, 10) }

// ReadGroupJSON reads tree/groups/<id>.json: the group's attributes as
// one JSON object, at most MaxProjectJSON bytes. A symbolic link is
// refused; a missing file wraps fs.ErrNotExist.
func ReadGroupJSON(dir string, id int64) (map[string]json.RawMessage, error) {
	return readObject(dir, groupPath(id)+".json")
}

// GroupRelations lists the relations present in dir as
// tree/groups/<id>/<name>.ndjson regular files, in GitLab's group tree
// order, then any others alphabetically (names as Relations allows).
func GroupRelations(dir string, id int64) ([]string, error) {
	names, err := relationFiles(dir, groupPath(id))
	sortGroupRelations(names)
	return names, err
}

// OpenGroupRelation opens tree/groups/<id>/<relation>.ndjson, read as
// OpenRelation reads a project's: the same line limit and errors; a
// missing file or a symbolic link has no records.
func OpenGroupRelation(dir string, id int64, relation string) (*RelationReader, error) {
	if !validRelation(relation) {
		return nil, fmt.Errorf("archive: invalid relation name %q", relation)
	}
	return openNDJSON(dir, groupPath(id)+"/"+relation+".ndjson")
}

// sortGroupRelations sorts names in GitLab's group tree order, then
// alphabetically.
func sortGroupRelations(names []string) {
	rank := func(s string) int {
		if i := slices.Index(groupImportOrder, s); i >= 0 {
			return i
		}
		return len(groupImportOrder)
	}
	slices.SortFunc(names, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
}

// OpenLegacyGroup indexes a legacy group.json as OpenLegacy indexes a
// project.json: the top group's attributes are kept, its relations (the
// group tree's keys, and "children") located and streamed on demand.
// Its sub-groups are the elements of "children", each a group object of
// the same shape: see EachChild.
func OpenLegacyGroup(dir string) (*Legacy, error) {
	return openLegacy(dir, LegacyGroupFile, legacyGroupRelations)
}

// GroupRelations is Relations in GitLab's group tree order, without
// "children".
func (l *Legacy) GroupRelations() []string {
	names := make([]string, 0, len(l.rels))
	for k := range l.rels {
		if k != "children" {
			names = append(names, k)
		}
	}
	sortGroupRelations(names)
	return names
}

// EachChild calls fn with each sub-group of a legacy group.json group, in
// order, indexed as the group itself is: one element of "children" at a
// time, so a file of any size and any number of sub-groups is read in
// bounded memory. fn must not keep the child past its return.
func (l *Legacy) EachChild(fn func(child *Legacy) error) error {
	sec, ok := l.rels["children"]
	if !ok || sec.single {
		return nil
	}
	s := newJSONStream(io.NewSectionReader(l.f, sec.off, sec.end-sec.off))
	s.off = sec.off
	if err := s.expect('['); err != nil {
		return fmt.Errorf("%w in %s", ErrJSONFormat, l.name)
	}
	for i := 0; ; i++ {
		c, err := s.peek()
		if err != nil {
			return fmt.Errorf("%w in %s", ErrJSONFormat, l.name)
		}
		if c == ']' {
			return nil
		}
		if i > 0 {
			if c != ',' {
				return fmt.Errorf("%w in %s", ErrJSONFormat, l.name)
			}
			if _, err := s.read(); err != nil {
				return err
			}
			if _, err := s.peek(); err != nil {
				return fmt.Errorf("%w in %s", ErrJSONFormat, l.name)
			}
		}
		start := s.off
		if err := s.skip(); err != nil {
			return fmt.Errorf("%w in %s", ErrJSONFormat, l.name)
		}
		child := &Legacy{f: l.f, name: l.name, known: l.known, child: true}
		if err := child.index(start, s.off-start); err != nil {
			return err
		}
		if err := fn(child); err != nil {
			return err
		}
	}
}

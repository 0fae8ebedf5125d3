package importer

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/ferryhq/ferry/internal/store"
)

// catalog holds the project's labels and milestones while an import
// runs, as GitLab's ObjectBuilder finds or creates them
// (lib/gitlab/import_export/project/object_builder.rb): every label or
// milestone record, whether a line of labels.ndjson / milestones.ndjson or
// a copy nested in an issue, a merge request, a release or a board, is
// looked up by its exact title in the project and created when the project
// has none of that title. Labels are always created as project labels
// (type ProjectLabel, no group); a group milestone becomes a project
// milestone with a new iid, and a project milestone keeps its iid, taking
// it back from a milestone created earlier with it (claim_iid).
//
// The records looked at are those GitLab's relation tree builds through
// the ObjectBuilder (EXISTING_OBJECT_RELATIONS label and milestone): the
// labels and milestones relations, and in issues and merge requests
// label_links[].label, milestone, resource_label_events[].label and
// resource_milestone_events[].milestone, in releases
// milestone_releases[].milestone, in boards lists[].label and (EE)
// lists[].milestone and milestone (see referenceSites). GitLab builds them
// before it saves the record naming them, so a record that then fails
// still creates them; so does Ferry.
//
// GitLab also looks titles up among the labels and milestones of the
// project's group and its ancestors (and links the group's one); Ferry has
// no group labels or milestones, so a project in a group gets project
// labels and milestones, as GitLab does when its group holds none of those
// titles. Not modelled: a found milestone keeps the events it was stored
// with (GitLab replaces them with those of each copy, which GitLab's own
// exports give alike); a copy keeps its other attributes (colour,
// description) as the archive wrote them, where GitLab's re-export would
// write the found record's; a label or milestone record without a title is
// left as it is (GitLab cannot save it, and fails the record naming it).
// Titles are compared exactly, as GitLab's lookup does.
//
// Only titles and iids are kept in memory; records are stored as they are
// created (see flush), positioned after the records already stored.
type catalog struct {
	projectID  int64
	labels     map[string]bool
	milestones map[string]int64 // title → iid
	holders    map[int64]string // iid → title
	counter    int64            // last iid handed out, 0 before the first
	// renumbered is set when a milestone got a new iid after it was
	// created (claim_iid): records stored before then name the old one.
	renumbered bool
	next       map[string]int64 // position of the next labels / milestones record
	pending    []pendingRecord
}

// pendingRecord is a label or milestone record created but not stored.
type pendingRecord struct {
	relation string
	position int64
	data     []byte
}

func newCatalog(projectID int64) *catalog {
	return &catalog{projectID: projectID, labels: map[string]bool{}, milestones: map[string]int64{},
		holders: map[int64]string{}, next: map[string]int64{}}
}

// reference kinds: which catalog a nested record belongs to.
const (
	labelRef     = "labels"
	milestoneRef = "milestones"
)

// find finds or creates the label or milestone rec names (kind is
// labelRef or milestoneRef) and rewrites rec as the project's record:
// rec is then the created record, or a copy naming the one found. A
// record without a title is left alone (GitLab cannot save it). It
// reports whether rec was created.
func (c *catalog) find(kind string, rec map[string]any) (bool, error) {
	title, _ := rec["title"].(string)
	if strings.TrimSpace(title) == "" {
		return false, nil
	}
	if kind == labelRef {
		return c.label(title, rec)
	}
	return c.milestone(title, rec)
}

func (c *catalog) label(title string, rec map[string]any) (bool, error) {
	c.asProjectRecord(rec)
	rec["type"] = "ProjectLabel"
	if c.labels[title] {
		return false, nil
	}
	c.labels[title] = true
	return true, c.add(labelRef, rec)
}

func (c *catalog) milestone(title string, rec map[string]any) (bool, error) {
	if iid, ok := c.milestones[title]; ok {
		c.asProjectRecord(rec)
		rec["iid"] = iid
		return false, nil
	}
	var iid int64
	if rec["group_id"] == nil { // a project milestone keeps its iid
		iid = max(intValue(rec["iid"]), 0)
	}
	switch holder, held := c.holders[iid]; {
	case iid == 0:
		iid = c.newIID()
	case held: // claim_iid: the earlier holder gets a new iid
		moved := c.newIID()
		c.milestones[holder], c.holders[moved] = moved, holder
		c.renumbered = true
	}
	c.milestones[title], c.holders[iid] = iid, title
	c.asProjectRecord(rec)
	rec["iid"] = iid
	return true, c.add(milestoneRef, rec)
}

// newIID hands out the next milestone iid as GitLab's internal id counter
// does while importing: the first one follows the greatest iid held, each
// next one follows the last one handed out (the iids the archive gives are
// not counted). Unlike GitLab, which can then hit an iid in use, an iid in
// use is skipped.
func (c *catalog) newIID() int64 {
	if c.counter == 0 {
		for iid := range c.holders {
			c.counter = max(c.counter, iid)
		}
	}
	c.counter++
	for c.holders[c.counter] != "" {
		c.counter++
	}
	return c.counter
}

// asProjectRecord makes rec a record of the project, not of a group.
func (c *catalog) asProjectRecord(rec map[string]any) {
	rec["project_id"] = c.projectID
	if _, ok := rec["group_id"]; ok {
		rec["group_id"] = nil
	}
}

// add queues a created record to be stored with the current batch.
func (c *catalog) add(relation string, rec map[string]any) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	c.pending = append(c.pending, pendingRecord{relation: relation, position: c.next[relation], data: data})
	c.next[relation]++
	return nil
}

// flush stores the created records in tx.
func (c *catalog) flush(ctx context.Context, tx *store.Tx) error {
	for _, p := range c.pending {
		if err := tx.InsertRelationRecords(ctx, c.projectID, p.relation, p.position, []string{string(p.data)}); err != nil {
			return err
		}
	}
	return nil
}

// flushed forgets the records flush stored, once their transaction has
// committed.
func (c *catalog) flushed() { c.pending = c.pending[:0] }

// iid is the iid of the milestone titled title (0 for none).
func (c *catalog) iid(title string) int64 { return c.milestones[title] }

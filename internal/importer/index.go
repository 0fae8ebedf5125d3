package importer

import (
	"slices"

	"github.com/ferryhq/ferry/internal/store"
)

// indexed are the relations whose records get a row in the read model
// (store.Issuable): what the issue and merge request lists filter on.
var indexed = map[string]bool{store.IssueKind: true, store.MergeRequestKind: true}

// indexRow reads the read model's row of an issue or merge request from
// the record being prepared, in place: user references mapped as the
// cleaner maps them, label and milestone titles as the catalog finds
// them (by title). Position is left for the batch to set.
func (r *restore) indexRow(relation string, in *record) *store.Issuable {
	row := &store.Issuable{
		ProjectID: r.project.ID, Kind: relation, IID: in.intField("iid"), State: in.stringField("state"),
		Title: in.stringField("title"), Description: in.stringField("description"),
		AuthorID: r.userField(in, in.top, "author_id"), Confidential: in.trueField("confidential"),
		CreatedAt: store.UTCText(in.stringField("created_at")), UpdatedAt: store.UTCText(in.stringField("updated_at")),
		DueDate: in.stringField("due_date"), SourceBranch: in.stringField("source_branch"),
		TargetBranch: in.stringField("target_branch"), Labels: []string{},
	}
	if row.State == "" {
		row.State = "opened"
	}
	row.Summary = r.summary(in)
	if relation != store.IssueKind {
		row.Summary.IssueType = ""
	}
	if id := r.userField(in, in.top, "assignee_id"); id != 0 {
		row.AssigneeIDs = append(row.AssigneeIDs, id)
	}
	for _, key := range []string{"issue_assignees", "merge_request_assignees"} {
		in.eachObject(key, func(from, to int) {
			if id := r.userField(in, [2]int{from, to}, "user_id"); id != 0 && !slices.Contains(row.AssigneeIDs, id) {
				row.AssigneeIDs = append(row.AssigneeIDs, id)
			}
		})
	}
	if i, ok := in.field("milestone"); ok {
		if j, ok := in.objectField(i, "title"); ok {
			row.Milestone, _ = in.stringAt(j)
		}
	}
	in.eachObject("label_links", func(from, to int) {
		if i, ok := in.lookup(from, to, "label"); ok {
			if j, ok := in.objectField(i, "title"); ok {
				if t, _ := in.stringAt(j); t != "" && !slices.Contains(row.Labels, t) {
					row.Labels = append(row.Labels, t)
				}
			}
		}
	})
	in.eachObject("notes", func(from, to int) {
		if i, ok := in.lookup(from, to, "system"); !ok || in.in[i] != 't' {
			row.UserNotes++
		}
	})
	in.eachObject("award_emoji", func(from, to int) {
		if i, ok := in.lookup(from, to, "name"); ok {
			switch name, _ := in.stringAt(i); name {
			case "thumbsup":
				row.Upvotes++
			case "thumbsdown":
				row.Downvotes++
			}
		}
	})
	return row
}

// userField maps the user reference key among members[m[0]:m[1]] to a
// local user (0 for none or null).
func (r *restore) userField(in *record, m [2]int, key string) int64 {
	i, ok := in.lookup(m[0], m[1], key)
	if !ok || in.in[i] == 'n' {
		return 0
	}
	return r.mapUser(in.intAt(i))
}

// intField is a top-level member's value read as an id (0 for none).
func (r *record) intField(key string) int64 {
	i, ok := r.field(key)
	if !ok {
		return 0
	}
	return r.intAt(i)
}

// trueField reports whether a top-level member is true.
func (r *record) trueField(key string) bool {
	i, ok := r.field(key)
	return ok && r.in[i] == 't'
}

// eachObject calls fn with the members of each object in the top-level
// array key (members[from:to], popped after fn).
func (r *record) eachObject(key string, fn func(from, to int)) {
	i, ok := r.field(key)
	if !ok || r.in[i] != '[' {
		return
	}
	for j := skipSpace(r.in, i+1); j >= 0 && j < len(r.in) && r.in[j] != ']'; j = nextMember(r.in, valueEnd(r.in, j)) {
		if r.in[j] != '{' {
			continue
		}
		from, to := r.collect(j)
		fn(from, to)
		r.members = r.members[:from]
	}
}

// withObject calls fn with the members of the top-level object key, if
// the record has one (popped after fn).
func (r *record) withObject(key string, fn func(m [2]int)) {
	i, ok := r.field(key)
	if !ok || r.in[i] != '{' {
		return
	}
	from, to := r.collect(i)
	defer func() { r.members = r.members[:from] }()
	fn([2]int{from, to})
}

// readStrings sets each target to the string value of its key among
// members[m[0]:m[1]], where there is one.
func (r *record) readStrings(m [2]int, targets map[string]*string) {
	for key, to := range targets {
		if j, ok := r.lookup(m[0], m[1], key); ok {
			if v, ok := r.stringAt(j); ok {
				*to = v
			}
		}
	}
}

// Package content is the read model of what a project holds: the issues
// and merge requests (and their notes and discussions) an import stored,
// found through the store's index of them (store.Issuable) and shown in
// GitLab's shapes (lib/api/entities), with labels and milestones. The API
// calls it, and later the web pages: one implementation of "list the
// issues". Who may see what is decided by internal/auth.
//
// Lists and single issues or merge requests are built from the index
// alone (its rows carry a summary of what GitLab's entities show beyond
// the filtered columns), so they never read the stored records, whose
// notes can be huge; notes and discussions read one record, decoding one
// note at a time. Labels and milestones stream their relation.
//
// Ids GitLab would give on import and the archive does not keep are made
// up stably: an issue or merge request's id is its index row's id, a
// note's id is that id times NoteIDBase plus the note's place (a note on
// a commit, a record of its own, its row id times NoteIDBase), a label's
// or milestone's is its stored record's row id, and so is a release's,
// pipeline's, protected branch's, badge's or snippet's. What a record
// nests gets its owner's id times a base plus its place (from 1): a
// release's asset links and a protected ref's access levels (LinkIDBase),
// a pipeline's jobs (JobIDBase), an issuable's award emoji and an
// issuable's or milestone's events (NoteIDBase).
//
// A group's labels, milestones, badges and boards are its relation
// records (group_relations), read and written here for the API and the
// pages alike (group_records.go): a record's id is its row id, which an
// update keeps, and a board's lists, embedded in it, number from their
// board's id times ListIDBase.
//
// Releases, pipelines, jobs, protected refs, badges, snippets, events and
// notes on commits stream their relation one record at a time (stream.go): a list keeps
// only the page's entities, or, when it must sort, a small entry per
// record.
package content

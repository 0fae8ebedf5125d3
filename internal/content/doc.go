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
// note's id is that id times NoteIDBase plus the note's place, a label's
// or milestone's is its stored record's row id.
package content

// Package archive is Ferry's codec for GitLab's project export archive:
// a gzip-compressed tar file. Reading is split in two steps: Extract
// unpacks an archive, checking every entry, into a directory; CheckVersion,
// ReadProjectJSON, Relations, OpenRelation and OpenLegacy then read the
// extracted tree. Check applies Extract's rules to a stream and writes
// nothing (a download is verified with it); Rewrite writes an extracted
// archive again with edits (e-mails mapped, records dropped, attributes
// or VERSION set), copying everything else byte for byte; Convert writes
// a legacy or pre-0.2.4 one in the current layout through the export
// filter. Everything streams: memory stays flat however large the
// archive, its files or its relations are (one JSON record at a time, at
// most MaxJSONLine bytes, held once: a record is read straight into a
// buffer of its size, never grown or copied). The Writer writes the same layout, with "./"
// prefixes, directories 0700 and files 0600.
//
// # Layout
//
// Member names start with "./" in archives GitLab writes and may lack it
// in hand-made ones; both are accepted (names are cleaned). The members:
//
//	VERSION                          export format version: "0.2.4" (Version)
//	GITLAB_VERSION, GITLAB_REVISION  the exporting GitLab
//	tree/project.json                project attributes: one JSON object
//	tree/project/<relation>.ndjson   one relation, one JSON object per line
//	project.bundle                   repository (git bundle)
//	project.wiki.bundle              wiki repository
//	project.design.bundle            design repository
//	snippets/<hex>.bundle            snippet repositories
//	uploads/<secret>/<file>          uploads (attachments)
//	lfs-objects/<oid>                LFS objects
//	lfs-objects.json                 LFS object index
//	avatar/<file>                    project avatar
//
// The legacy layout has, instead of tree/, a single project.json at the top
// holding the attributes and every relation as an array (or object) under
// its key.
//
// # Group archives
//
// A group export has the same VERSION and the same extraction rules; its
// tree is tree/groups/_all.ndjson (the group ids, one a line, the
// exported group first: GroupIDs), tree/groups/<id>.json (one group's
// attributes: ReadGroupJSON) and tree/groups/<id>/<relation>.ndjson (read
// as project relations are: GroupRelations, OpenGroupRelation), or, in
// the legacy layout, one group.json whose sub-groups nest under
// "children" (OpenLegacyGroup, Legacy.EachChild: one child indexed at a
// time). See group_reader.go.
//
// # NDJSON relations
//
// Each line of tree/project/<relation>.ndjson is one JSON object (one
// record). Blank lines are skipped; the last line may lack its newline; a
// line longer than MaxJSONLine (GitLab's MAX_JSON_DOCUMENT_SIZE, 50 MiB)
// is refused ("JSON exceeds 50 MB limit"), and so is a line that is not
// one JSON object ("Incorrect JSON format"); both errors name the file and
// line. A missing relation file has no records; a relation file that is a
// symbolic link is skipped as GitLab does. Relations lists the relation
// files present in GitLab's import order: labels, milestones, issues,
// snippets, releases, project_members, merge_requests,
// external_pull_requests, commit_notes, ci_pipelines, auto_devops,
// pipeline_schedules, container_expiration_policy, protected_branches,
// protected_tags, protected_environments, project_feature,
// custom_attributes, project_badges, ci_cd_settings,
// error_tracking_setting, boards, service_desk_setting,
// user_contributions, then any others alphabetically.
//
// # Legacy project.json
//
// OpenLegacy never decodes the whole file. A first streaming pass (a
// byte-level scanner that checks the syntax as encoding/json does and
// holds no value it skips) keeps the attributes (non-relation values, each
// at most MaxJSONLine, together at most MaxProjectJSON) and records the
// byte range of each relation value, so attributes may come before or
// after the relations. Each Legacy.Relation then streams the elements of
// one relation from its byte range, one element at a time. A key is a
// relation if it is one of GitLab's relations (the import order above plus
// services, triggers, vulnerabilities, security_setting, push_rule,
// approval_rules, design_management_repository) with an array or object
// value, or if its value is an array whose first element is an object.
// An element longer than MaxJSONLine is refused when it is read.
//
// # Export schema
//
// ExportTree is what GitLab's exporter writes: the relation tree and, for
// each relation, the attributes of its records, generated (go generate,
// schemagen) from GitLab's lib/gitlab/import_export/project/import_export.yml
// at the commit named by SchemaSource, copied into
// testdata/gitlab/import_export.yml. The EE section is merged in, as
// GitLab's Config does on an EE install (GitLab.com and the gitlab-ee
// packages). The exporter serialises each record with Rails'
// serializable_hash: with included_attributes exactly those attributes,
// otherwise every attribute but the excluded_attributes; methods always;
// then the sub-relations of the tree. Relation.Filter applies the same
// rule to a stored JSON record in one pass, copying kept values byte for
// byte; Relation.FilterAttributes does it for tree/project.json, which
// holds no relations. What GitLab's exporter never writes is left out:
// relations no longer in the tree (services, triggers, stages.statuses,
// deploy_keys), and attributes outside the lists (notes.attachment,
// issues.position, builds.commands, project_members.invite_token, ...).
// The tree does not say which relations are single (an object) and which
// are many (an array): Filter keeps the shape the record has. preloads,
// export_reorders and include_if_exportable change how GitLab reads its
// database, not which keys it writes, and are not part of the schema.
//
// # Extraction rules
//
// Extract is written for hostile archives. It decompresses and untars in
// one pass (pgzip, archive/tar) and checks each entry before writing
// anything for it. Any violation refuses the whole archive: Extract removes
// everything it created (the target directory itself stays) and returns
// an error wrapping one of the sentinel errors, inside a *FileError naming
// the entry when one entry is at fault.
//
//   - Names: a leading "./" and trailing "/" are dropped. A name must be
//     non-empty, at most MaxNameLength bytes, relative, without a ".."
//     element, a backslash or a NUL byte, and local (filepath.IsLocal):
//     ErrInsecurePath. The entry "./" (the root) is skipped.
//   - Types: only regular files and directories are extracted; PAX global
//     headers are skipped. Symbolic and hard links are refused (ErrLink:
//     GitLab deletes symlinks and aborts on hard links; Ferry refuses the
//     archive); character and block devices, FIFOs, GNU sparse files
//     (type 'S' and the PAX GNU.sparse.* formats, which archive/tar would
//     expand into unbounded zeros) and unknown types are refused
//     (ErrSpecialFile).
//   - Duplicates: a second entry for a file, a file where a directory is
//     or the reverse, and an entry whose target already exists in the
//     directory are refused (ErrDuplicate). Repeated directory entries are
//     fine.
//   - Sizes: the decompressed stream (tar headers, data, padding and any
//     data after the end of the tar) is counted as it is read, never taken
//     from headers, and the archive is refused as soon as it passes
//     Limits.MaxDecompressed (ErrTooLarge: "Decompressed archive size
//     validation failed."); a file whose header size alone passes the
//     limit is refused before it is created. File data is copied through
//     a reader limited to the header size plus one byte and must match
//     the header size exactly.
//   - Entries: at most Limits.MaxEntries (never more than MaxEntries)
//     entries of any type (ErrTooManyEntries).
//   - Stream: input that is not gzip is ErrNotGzip; a truncated or corrupt
//     gzip or tar stream (bad checksum, bad header, data shorter than its
//     header says) is ErrCorrupt. The whole gzip stream is read, so
//     corruption after the tar end is found too.
//   - Writing: everything is created through os.Root (so nothing can be
//     created outside the directory, whatever symbolic links it holds);
//     files with O_CREATE|O_EXCL (never following or overwriting anything)
//     mode 0600, directories 0700. A directory already present is reused
//     only if it is a real directory, never a symbolic link. Header modes,
//     owners and times are ignored.
//   - Cancelling the context stops Extract at its next read.
//
// After extraction, the readers open files through os.Root as well and
// refuse symbolic links where a file is expected: VERSION,
// tree/project.json (at most MaxProjectJSON bytes) and project.json.
// CheckVersion applies GitLab's VersionChecker: the first "X.Y.Z" within
// the first 128 bytes of VERSION must be one of AcceptedVersions (GitLab's
// own Version and the older 0.2.x), or it is a *VersionError ("Import
// version mismatch: Required 0.2.4 but was X", then what Ferry also
// reads); without one it is ErrVersionFormat ("Incorrect VERSION format").
package archive

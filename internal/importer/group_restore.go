package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"unicode/utf8"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
	"github.com/ferryhq/ferry/internal/store"
)

// errIncompatible is GitLab's error for an archive with neither group
// layout (Gitlab::ImportExport::Error.incompatible_import_file_error).
var errIncompatible = errors.New("The import file is incompatible") //nolint:staticcheck // GitLab's message

// keptGroupRelations are the relations of GitLab's FOSS group tree that
// become group_relations records, in restore order (members go to the
// members table; the EE relations, epics, epic_boards and
// iterations_cadences, are not restored by GitLab's FOSS importer).
var keptGroupRelations = []string{"milestones", "badges", "labels", "boards", "namespace_settings", "user_contributions"}

// groupColumns are the attributes of tree/groups/<id>.json that are the
// group's own columns (or its place in the tree), not kept attributes.
var groupColumns = []string{"id", "name", "path", "description", "visibility_level", "parent_id"}

// excludedGroupAttributes are GitLab's excluded_attributes of group.
var excludedGroupAttributes = []string{"owner_id", "created_at", "updated_at", "runners_token",
	"runners_token_encrypted", "saml_discovery_token", "trial_ends_on", "shared_runners_minute_limit",
	"extra_shared_runners_minutes_limit", "repository_size_limit", "max_pages_size"}

// groupSource is one group of the archive, from either layout.
type groupSource interface {
	Attributes() map[string]json.RawMessage
	Relation(name string) (*archive.RelationReader, error)
}

// ndjsonGroup is tree/groups/<id>.json and its relation files.
type ndjsonGroup struct {
	dir   string
	id    int64
	attrs map[string]json.RawMessage
}

func (g ndjsonGroup) Attributes() map[string]json.RawMessage { return g.attrs }
func (g ndjsonGroup) Relation(name string) (*archive.RelationReader, error) {
	return archive.OpenGroupRelation(g.dir, g.id, name)
}

// groupRestore is one attempt's restore of the archive's groups.
type groupRestore struct {
	w      *GroupWorker
	im     *ferry.GroupImport
	dir    string
	user   ferry.User
	top    ferry.Namespace
	logger *slog.Logger
	rec    record
	titles *groupTitles // of the group being restored
}

func (g *groupRestore) run(ctx context.Context) error {
	switch {
	case archive.HasGroupTree(g.dir):
		return g.runTree(ctx)
	case archive.HasLegacyGroup(g.dir):
		return g.runLegacy(ctx)
	}
	return permanent(errIncompatible)
}

// runTree restores the NDJSON layout as TreeRestorer does: the first
// group into the imported one, every other under its parent's new group.
func (g *groupRestore) runTree(ctx context.Context) error {
	ids, err := archive.GroupIDs(g.dir)
	if err != nil {
		return permanent(err)
	}
	mapping := map[int64]ferry.Namespace{}
	for i, id := range ids {
		attrs, err := g.groupAttributes(id)
		if i == 0 {
			if err != nil {
				return permanent(err)
			}
			if err := g.restoreRoot(ctx, ndjsonGroup{g.dir, id, attrs}); err != nil {
				return err
			}
			mapping[id] = g.top
			continue
		}
		if err != nil {
			err = &childError{err}
		} else {
			parent, ok := mapping[intAttr(attrs, "parent_id")]
			if !ok {
				err = &childError{errors.New("Parent group not found")}
			} else {
				var child ferry.Namespace
				if child, err = g.restoreChild(ctx, parent, ndjsonGroup{g.dir, id, attrs}); err == nil {
					mapping[id] = child
				}
			}
		}
		if err := g.childFailed(err); err != nil {
			return err
		}
	}
	return g.save(ctx)
}

// groupAttributes reads tree/groups/<id>.json, whose "id" must be id.
func (g *groupRestore) groupAttributes(id int64) (map[string]json.RawMessage, error) {
	attrs, err := archive.ReadGroupJSON(g.dir, id)
	if err != nil {
		return nil, err
	}
	if intAttr(attrs, "id") != id {
		return nil, fmt.Errorf("Invalid group_id for %d", id)
	}
	return attrs, nil
}

// runLegacy restores a legacy group.json as LegacyTreeRestorer did:
// the top group, then each child and its children, depth first.
func (g *groupRestore) runLegacy(ctx context.Context) error {
	l, err := archive.OpenLegacyGroup(g.dir)
	if err != nil {
		return permanent(err)
	}
	defer l.Close()
	if err := g.restoreRoot(ctx, l); err != nil {
		return err
	}
	if err := g.legacyChildren(ctx, g.top, l); err != nil {
		return err
	}
	return g.save(ctx)
}

func (g *groupRestore) legacyChildren(ctx context.Context, parent ferry.Namespace, l *archive.Legacy) error {
	err := l.EachChild(func(c *archive.Legacy) error {
		child, err := g.restoreChild(ctx, parent, c)
		if err == nil {
			return g.legacyChildren(ctx, child, c)
		}
		return g.childFailed(err)
	})
	if errors.Is(err, archive.ErrJSONFormat) || errors.Is(err, archive.ErrJSONTooLarge) {
		return permanent(err)
	}
	return err
}

// childError is a sub-group the archive does not let Ferry restore.
type childError struct{ err error }

func (e *childError) Error() string { return e.err.Error() }
func (e *childError) Unwrap() error { return e.err }

// childFailed records a sub-group that could not be restored (GitLab's
// import failure of source process_child) and lets the import go on;
// other errors (the database, a cancelled context) stop it.
func (g *groupRestore) childFailed(err error) error {
	var ce *childError
	if err == nil || !errors.As(err, &ce) {
		return err
	}
	g.failure(ferry.GroupImportFailure{RelationName: "group", Source: "process_child",
		ExceptionClass: "ActiveRecord::RecordInvalid", ExceptionMessage: childMessage(ce.err)})
	return nil
}

// childMessage is GitLab's message for a sub-group it could not save.
func childMessage(err error) string {
	var ve *ferry.ValidationError
	if errors.As(err, &ve) {
		field := map[string]string{"path": "Group URL", "name": "Name", "parent_id": "Parent"}[ve.Field]
		if field == "" {
			field = ve.Field
		}
		return "Validation failed: " + field + " " + ve.Reason
	}
	return err.Error()
}

func (g *groupRestore) failure(f ferry.GroupImportFailure) {
	if len(g.im.Failures) < ferry.MaxGroupImportFailures {
		g.im.Failures = append(g.im.Failures, f)
	}
}

// save writes the import's counts and failures.
func (g *groupRestore) save(ctx context.Context) error { return g.w.DB.UpdateGroupImport(ctx, g.im) }

// intAttr is an integer attribute (0 when absent or not a number).
func intAttr(attrs map[string]json.RawMessage, key string) int64 {
	n, _ := strconv.ParseInt(string(attrs[key]), 10, 64)
	return n
}

// strAttr is a string attribute ("" when absent or not a string).
func strAttr(attrs map[string]json.RawMessage, key string) string {
	var s string
	_ = json.Unmarshal(attrs[key], &s)
	return s
}

// validateChild applies the checks GitLab's Group model makes on a new
// sub-group: Ferry's name and path rules, and a path of at least two
// characters.
func validateChild(name, path string) error {
	if err := ferry.ValidateName(name); err != nil {
		return err
	}
	if utf8.RuneCountInString(path) < 2 {
		return &ferry.ValidationError{Field: "path", Reason: "is too short (minimum is 2 characters)"}
	}
	return ferry.ValidatePath(path, false)
}

// readRecords calls fn with each record of one relation of src; a record
// that is not JSON becomes a failure, a file that cannot be read stops
// the import.
func (g *groupRestore) readRecords(src groupSource, relation string, fn func(line int, raw []byte) error) error {
	rd, err := src.Relation(relation)
	if err != nil {
		return permanent(err)
	}
	defer rd.Close()
	for {
		line, raw, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var le *archive.LineError
		if errors.As(err, &le) {
			g.failure(ferry.GroupImportFailure{RelationName: relation, LineNumber: line, Source: "process_relation_item!",
				ExceptionClass: "JSON::ParserError", ExceptionMessage: le.Err.Error()})
			continue
		}
		if err != nil {
			return permanent(err)
		}
		if err := fn(line, dropNULs(raw)); err != nil {
			return err
		}
	}
}

// storeTx runs fn in a transaction.
func (g *groupRestore) storeTx(ctx context.Context, fn func(tx *store.Tx) error) error {
	return g.w.DB.Tx(ctx, fn)
}

package importer

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
)

var visibilityNames = map[string]string{"0": ferry.Private, "10": ferry.Internal, "20": ferry.Public}

// saveProject applies the archive's attributes (description, visibility)
// and then override_params to the project, and stores every attribute so
// an export gives them back. It empties attrs.
func (r *restore) saveProject(ctx context.Context, attrs map[string]json.RawMessage) error {
	clean := map[string]any{}
	for k, raw := range attrs {
		var v any
		if json.Unmarshal(dropNULs(raw), &v) == nil && !dropped(k) {
			clean[k] = v
		}
		delete(attrs, k) // a big attribute is held once, decoded
	}
	p := &r.project
	if d, ok := clean["description"].(string); ok {
		p.Description = d
	}
	if lvl, ok := clean["visibility_level"]; ok {
		if v, ok := visibilityNames[jsonText(lvl)]; ok {
			p.Visibility = v
		}
	}
	for k, v := range r.im.OverrideParams {
		clean[k] = v
		switch k {
		case "description":
			p.Description = v
		case "visibility":
			p.Visibility = v
		}
	}
	if p.Namespace.IsGroup() && ferry.VisibilityRank(p.Visibility) > ferry.VisibilityRank(p.Namespace.Visibility) {
		p.Visibility = p.Namespace.Visibility
	}
	var data strings.Builder // json.Marshal's bytes would be copied again into a string
	if err := json.NewEncoder(&data).Encode(clean); err != nil {
		return err
	}
	if err := r.w.DB.SaveProjectAttributes(ctx, p.ID, strings.TrimSuffix(data.String(), "\n")); err != nil {
		return err
	}
	return r.w.DB.UpdateProject(ctx, p)
}

func jsonText(v any) string {
	switch t := v.(type) {
	case float64:
		return strconv.Itoa(int(t))
	case string:
		return t
	}
	return ""
}

// relationNames lists the relations of the archive in GitLab's order.
func (r *restore) relationNames() ([]string, error) {
	if r.legacy != nil {
		return r.legacy.Relations(), nil
	}
	return archive.Relations(r.dir)
}

func (r *restore) openRelation(name string) (*archive.RelationReader, error) {
	if r.legacy != nil {
		return r.legacy.Relation(name)
	}
	return archive.OpenRelation(r.dir, name)
}

// relationSize is the size of name's NDJSON file, 0 when unknown (a
// legacy project.json holds them all).
func (r *restore) relationSize(name string) int64 {
	if r.legacy != nil {
		return 0
	}
	info, err := os.Lstat(filepath.Join(r.dir, archive.RelationDir, name+".ndjson"))
	if err != nil || !info.Mode().IsRegular() {
		return 0
	}
	return info.Size()
}

// relations stores every relation, a batch per transaction. An unreadable
// line fails the import (as GitLab); an invalid record is a failed
// relation.
func (r *restore) relations(ctx context.Context) error {
	names, err := r.relationNames()
	if err != nil {
		return permanent(err)
	}
	for i, name := range names {
		r.prog.Step(ctx, StepRelations, name, i+1, len(names), r.relationSize(name))
		if err := r.relation(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (r *restore) relation(ctx context.Context, name string) error {
	rd, err := r.openRelation(name)
	if err != nil {
		return permanent(err)
	}
	defer rd.Close()
	b := batch{relation: name}
	for {
		line, raw, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return permanent(err)
		}
		r.im.Stats.Fetched[name]++
		r.prog.Add(ctx, int64(len(raw))+1) // the line and its newline
		rec, keep, err := r.prepare(ctx, name, dropNULs(raw))
		if err != nil {
			if ferr := r.failed(ctx, name, line, err); ferr != nil {
				return ferr
			}
			continue
		}
		if err := r.push(ctx, &b, rec, keep); err != nil {
			return err
		}
	}
	r.im.Stats.Imported[name] += 0 // listed even when nothing was stored
	if b.restored > 0 || len(r.catalog.pending) > 0 {
		return r.storeBatch(ctx, &b)
	}
	return r.w.DB.UpdateImport(ctx, r.im)
}

// prepare validates and cleans one record; members are also mapped to
// local users. raw is read in place, never decoded whole. The labels and
// milestones the record nests are found or created first: GitLab builds
// them before it saves the record, so they exist even when the record
// then fails. A labels or milestones record goes to the catalog, which
// stores it unless the project already has one of its title: prepare
// then keeps no record.
func (r *restore) prepare(ctx context.Context, relation string, raw []byte) (rec string, keep bool, err error) {
	in := &r.rec
	defer in.release()
	r.row = nil
	if err := in.reset(raw); err != nil {
		return "", false, err
	}
	if relation == "project_members" {
		if err := r.mapMember(ctx, in); err != nil {
			return "", false, err
		}
	}
	c := cleaner{projectID: r.project.ID, user: r.mapContribution}
	rec = c.clean(in)
	if relation == labelRef || relation == milestoneRef {
		if err := validate(relation, in); err != nil {
			return "", false, err
		}
		return "", false, r.catalogRecord(relation, rec)
	}
	if rec, err = r.catalogReferences(relation, rec); err != nil {
		return "", false, err
	}
	if err := validate(relation, in); err != nil {
		return "", false, err
	}
	if state := in.stringField("state"); relation == "issues" && (state == "opened" || state == "reopened") {
		r.openIssues++
	}
	if indexed[relation] {
		r.row = r.indexRow(relation, in)
	}
	return rec, true, nil
}

// failed records a failed relation (GitLab keeps at most 255 characters
// of the message).
func (r *restore) failed(ctx context.Context, relation string, line int, err error) error {
	var re *RecordError
	if !errors.As(err, &re) {
		return err
	}
	msg := re.Message
	if len(msg) > 255 {
		msg = msg[:255]
	}
	r.logger.WarnContext(ctx, "record not restored", "relation", relation, "line", line, "error", re.Message)
	return r.w.DB.AddImportFailure(ctx, &ferry.ImportFailure{ProjectID: r.project.ID, CorrelationID: r.im.CorrelationID,
		RelationName: relation, LineNumber: line, ExceptionClass: re.Class, ExceptionMessage: msg,
		Source: "process_relation_item!"})
}

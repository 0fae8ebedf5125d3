package importer

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/archive"
)

var visibilityNames = map[string]string{"0": ferry.Private, "10": ferry.Internal, "20": ferry.Public}

// saveProject applies the archive's attributes (description, visibility)
// and then override_params to the project, and stores every attribute so
// an export gives them back.
func (r *restore) saveProject(ctx context.Context, attrs map[string]json.RawMessage) error {
	clean := map[string]any{}
	for k, raw := range attrs {
		var v any
		if json.Unmarshal(raw, &v) == nil && !dropped(k) {
			clean[k] = v
		}
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
	data, err := json.Marshal(clean)
	if err != nil {
		return err
	}
	if err := r.w.DB.SaveProjectAttributes(ctx, p.ID, data); err != nil {
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

// relations stores every relation, a batch per transaction. An unreadable
// line fails the import (as GitLab); an invalid record is a failed
// relation.
func (r *restore) relations(ctx context.Context) error {
	names, err := r.relationNames()
	if err != nil {
		return permanent(err)
	}
	for _, name := range names {
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
	var (
		batch    [][]byte
		first    int64
		restored int // records of the batch restored, stored in it or by the catalog
	)
	for {
		line, raw, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return permanent(err)
		}
		r.im.Stats.Fetched[name]++
		rec, err := r.prepare(ctx, name, raw)
		if err != nil {
			if ferr := r.failed(ctx, name, line, err); ferr != nil {
				return ferr
			}
			continue
		}
		restored++
		if rec != nil {
			batch = append(batch, rec)
		}
		if len(batch)+len(r.catalog.pending) >= BatchSize {
			if err := r.storeBatch(ctx, name, first, batch, restored); err != nil {
				return err
			}
			first, batch, restored = first+int64(len(batch)), nil, 0
		}
	}
	r.im.Stats.Imported[name] += 0 // listed even when nothing was stored
	if restored > 0 || len(r.catalog.pending) > 0 {
		return r.storeBatch(ctx, name, first, batch, restored)
	}
	return r.w.DB.UpdateImport(ctx, r.im)
}

// prepare validates and cleans one record; members are also mapped to
// local users. The labels and milestones the record nests are found or
// created first: GitLab builds them before it saves the record, so they
// exist even when the record then fails. A labels or milestones record
// goes to the catalog, which stores it unless the project already has
// one of its title: prepare then returns no record.
func (r *restore) prepare(ctx context.Context, relation string, raw json.RawMessage) ([]byte, error) {
	rec, err := decodeObject(raw)
	if err != nil {
		return nil, &RecordError{Class: "JSON::ParserError", Message: err.Error()}
	}
	if depth(rec, 0) > MaxDepth {
		return nil, &RecordError{Class: "ArgumentError", Message: errTooDeep.Error()}
	}
	if relation == "project_members" {
		if err := r.mapMember(ctx, rec); err != nil {
			return nil, err
		}
	}
	cleanValue(rec, r.project.ID, r.mapUser)
	catalogued := relation == labelRef || relation == milestoneRef
	if !catalogued {
		err := eachReference(relation, rec, func(kind string, ref map[string]any) error {
			_, err := r.catalog.find(kind, ref)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if err := validate(relation, rec); err != nil {
		return nil, err
	}
	if catalogued {
		_, err := r.catalog.find(relation, rec)
		return nil, err
	}
	return json.Marshal(rec)
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

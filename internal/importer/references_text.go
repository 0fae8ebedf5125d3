package importer

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// catalogRecord hands a cleaned labels or milestones record (a small one)
// to the catalog, which stores it unless the project has one of its title.
func (r *restore) catalogRecord(relation, rec string) error {
	m, err := decodeObject([]byte(rec))
	if err != nil {
		return err
	}
	_, err = r.catalog.find(relation, m)
	return err
}

// catalogReferences finds or creates, in GitLab's order, the labels and
// milestones that the cleaned record rec of relation nests, and returns
// rec naming the project's ones. Only the attributes that hold them are
// decoded (they are small); the rest of a record, however big, is copied
// once, and only when an attribute changed.
func (r *restore) catalogReferences(relation, rec string) (string, error) {
	sites := referenceSites[relation]
	if len(sites) == 0 {
		return rec, nil
	}
	text := unsafe.Slice(unsafe.StringData(rec), len(rec)) // read only
	in := &r.refs
	defer in.release()
	if err := in.reset(text); err != nil {
		return "", err
	}
	type edit struct {
		start, end int
		value      []byte
	}
	var edits []edit
	for _, s := range sites {
		start, ok := in.field(s.key)
		if !ok {
			continue
		}
		end := valueEnd(text, start)
		v, err := decodeSmall(text[start:end])
		if err != nil {
			return "", err
		}
		err = walkSite(s, v, func(kind string, ref map[string]any) error {
			_, err := r.catalog.find(kind, ref)
			return err
		})
		if err != nil {
			return "", err
		}
		value, err := json.Marshal(v)
		if err != nil {
			return "", err
		}
		if !bytes.Equal(value, text[start:end]) {
			edits = append(edits, edit{start, end, value})
		}
	}
	if len(edits) == 0 {
		return rec, nil
	}
	slices.SortFunc(edits, func(a, b edit) int { return a.start - b.start })
	var out strings.Builder
	out.Grow(len(rec))
	pos := 0
	for _, e := range edits { // sorted by offset: sites come in GitLab's order
		out.WriteString(rec[pos:e.start])
		out.Write(e.value)
		pos = e.end
	}
	out.WriteString(rec[pos:])
	return out.String(), nil
}

// decodeSmall decodes a JSON value with its numbers kept as written.
func decodeSmall(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, &RecordError{Class: "JSON::ParserError", Message: err.Error()}
	}
	return v, nil
}

// decodeObject decodes a (small) JSON object with its numbers kept as
// written: the labels and milestones records of the catalog, and records
// a rare renumbering rewrites.
func decodeObject(raw []byte) (map[string]any, error) {
	v, err := decodeSmall(raw)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &RecordError{Class: "JSON::ParserError", Message: "the record is not a JSON object"}
	}
	return m, nil
}

// intValue reads a decoded id: a number, or a string of digits.
func intValue(v any) int64 {
	switch t := v.(type) {
	case float64:
		return int64(t)
	case json.Number:
		n, _ := strconv.ParseInt(t.String(), 10, 64)
		return n
	case string:
		n, _ := strconv.ParseInt(t, 10, 64)
		return n
	}
	return 0
}

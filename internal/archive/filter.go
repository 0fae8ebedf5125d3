package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Filter appends to dst the JSON object record, one record of r, keeping
// only what GitLab's exporter writes for r: the attributes r Writes, each
// value copied byte for byte, and r's sub-relations (an object, or an
// array whose objects are filtered in turn as records of the child). Every
// other key is left out. The record is scanned once and never decoded;
// memory is dst. Filter never writes past what it has read, so dst may be
// record[:0]: a record is then filtered in place. An error means record
// is not one well-formed JSON object (and, in place, leaves it changed).
func (r *Relation) Filter(dst, record []byte) ([]byte, error) {
	return r.filter(dst, record, true)
}

// FilterAttributes is Filter for tree/project.json, the root's own
// attributes: sub-relations are left out too.
func (r *Relation) FilterAttributes(dst, record []byte) ([]byte, error) {
	return r.filter(dst, record, false)
}

func (r *Relation) filter(dst, record []byte, nested bool) ([]byte, error) {
	s := &scanner{data: record}
	out, err := r.object(dst, s, nested)
	if err == nil {
		if s.space(); s.i != len(s.data) {
			err = s.fail()
		}
	}
	if err != nil {
		return dst, fmt.Errorf("filter %s record: %w", r.Name, err)
	}
	return out, nil
}

// object filters the object at s.
func (r *Relation) object(dst []byte, s *scanner, nested bool) ([]byte, error) {
	if s.space(); !s.consume('{') {
		return dst, s.fail()
	}
	dst = append(dst, '{')
	written := 0
	if s.space(); s.consume('}') {
		return append(dst, '}'), nil
	}
	for {
		s.space()
		start := s.i
		if err := s.skipString(); err != nil {
			return dst, err
		}
		key := s.data[start:s.i]
		if s.space(); !s.consume(':') {
			return dst, s.fail()
		}
		s.space()
		name, err := keyName(key)
		if err != nil {
			return dst, err
		}
		rule := r.rule(name)
		child := rule.child
		if !nested {
			child = nil
		}
		keep := child != nil || rule.write
		if keep {
			if written > 0 {
				dst = append(dst, ',')
			}
			dst = append(append(dst, key...), ':')
			written++
		}
		switch {
		case child != nil:
			dst, err = child.value(dst, s)
		case keep:
			dst, err = s.copyValue(dst)
		default:
			err = s.skipValue()
		}
		if err != nil {
			return dst, err
		}
		if done, err := s.next('}'); done || err != nil {
			return append(dst, '}'), err
		}
	}
}

// value filters the value of a sub-relation: an object, an array of
// objects (anything else in it copied as is), or a plain value (null).
func (r *Relation) value(dst []byte, s *scanner) ([]byte, error) {
	switch s.peek() {
	case '{':
		return r.object(dst, s, true)
	case '[':
	default:
		return s.copyValue(dst)
	}
	s.i++
	dst = append(dst, '[')
	if s.space(); s.consume(']') {
		return append(dst, ']'), nil
	}
	for {
		var err error
		if s.space(); s.peek() == '{' {
			dst, err = r.object(dst, s, true)
		} else {
			dst, err = s.copyValue(dst)
		}
		if err != nil {
			return dst, err
		}
		if done, err := s.next(']'); done || err != nil {
			return append(dst, ']'), err
		}
		dst = append(dst, ',')
	}
}

// keyName is the name of a quoted key: its bytes, unless it holds escapes.
func keyName(quoted []byte) ([]byte, error) {
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner, nil
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

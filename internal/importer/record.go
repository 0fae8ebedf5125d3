package importer

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// record is one relation record, read in place from its JSON text (see
// jsontext.go). Objects are walked through their members sorted by key,
// the last of a repeated key winning, as decoding into a map and encoding
// it again would see them. A record is reused from one line to the next.
type record struct {
	in      []byte
	arena   []byte   // decoded keys that were written with escapes
	members []member // the members of the objects being walked, a stack
	top     [2]int   // the top-level object's members: members[top[0]:top[1]]
}

// member is one member of an object: its decoded key, in the input
// (k0 >= 0) or in the arena (^k0), and the offset of its value. Offsets
// fit in int32 because a record is at most archive.MaxJSONLine bytes; a
// member costs 12 bytes, so even an object of tiny members stays within
// a few times the record's size.
type member struct{ k0, k1, val int32 }

// reset reads the record in, which must be a JSON object, and collects
// its top-level members. It returns a *RecordError when in nests deeper
// than MaxDepth.
func (r *record) reset(in []byte) error {
	r.in, r.arena, r.members = in, r.arena[:0], r.members[:0]
	i := skipSpace(in, 0)
	if i >= len(in) || in[i] != '{' {
		return &RecordError{Class: "JSON::ParserError", Message: "the record is not a JSON object"}
	}
	if tooDeep(in, MaxDepth) {
		return &RecordError{Class: "ArgumentError", Message: errTooDeep.Error()}
	}
	r.top[0], r.top[1] = r.collect(i)
	return nil
}

// release drops buffers grown by a big record.
func (r *record) release() {
	r.in = nil
	if cap(r.members) > 1<<16 {
		r.members = nil
	}
	if cap(r.arena) > 1<<20 {
		r.arena = nil
	}
}

func (r *record) key(m member) []byte {
	if m.k0 < 0 {
		return r.arena[^m.k0:^m.k1]
	}
	return r.in[m.k0:m.k1]
}

// collect pushes the members of the object at in[i] on the stack, sorted
// by key with repeated keys dropped but the last, and returns their range.
// The caller pops them (r.members = r.members[:from]) when done.
func (r *record) collect(i int) (from, to int) {
	from = len(r.members)
	for j := skipSpace(r.in, i+1); j >= 0 && j < len(r.in) && r.in[j] == '"'; {
		end := stringEnd(r.in, j)
		m := member{k0: int32(j + 1), k1: int32(end - 1)}
		if body := r.in[j+1 : end-1]; !isSimple(body) {
			a := len(r.arena)
			r.arena = appendDecoded(r.arena, body)
			m.k0, m.k1 = ^int32(a), ^int32(len(r.arena))
		}
		v := skipSpace(r.in, end)
		v = skipSpace(r.in, v+1) // past the colon
		m.val = int32(v)
		r.members = append(r.members, m)
		j = nextMember(r.in, valueEnd(r.in, v))
	}
	ms := r.members[from:]
	slices.SortStableFunc(ms, func(a, b member) int { return bytes.Compare(r.key(a), r.key(b)) })
	to = from
	for j, m := range ms {
		if j+1 < len(ms) && bytes.Equal(r.key(m), r.key(ms[j+1])) {
			continue // a later member has the same key
		}
		r.members[to] = m
		to++
	}
	r.members = r.members[:to]
	return from, to
}

// lookup returns the offset of the value of key among members[from:to].
func (r *record) lookup(from, to int, key string) (int, bool) {
	j, ok := slices.BinarySearchFunc(r.members[from:to], key, func(m member, k string) int {
		return bytes.Compare(r.key(m), []byte(k))
	})
	if !ok {
		return 0, false
	}
	return int(r.members[from+j].val), true
}

// stringField is a top-level string member's value ("" for none).
func (r *record) stringField(key string) string {
	i, ok := r.field(key)
	if !ok {
		return ""
	}
	s, _ := r.stringAt(i)
	return s
}

// field returns the offset of a top-level member's value.
func (r *record) field(key string) (int, bool) { return r.lookup(r.top[0], r.top[1], key) }

// objectField returns the offset of the value of key in the object at
// in[i], if in[i] is an object that has it.
func (r *record) objectField(i int, key string) (int, bool) {
	if r.in[i] != '{' {
		return 0, false
	}
	from, to := r.collect(i)
	defer func() { r.members = r.members[:from] }()
	return r.lookup(from, to, key)
}

// stringAt decodes the string at in[i]; ok is false for another value.
// The text is copied once, into a string of its size: a description may
// be most of a 50 MB record, and growing a buffer through it cost the
// import three times its size.
func (r *record) stringAt(i int) (s string, ok bool) {
	if r.in[i] != '"' {
		return "", false
	}
	body := r.in[i+1 : stringEnd(r.in, i)-1]
	if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		return string(body), true // decoding would give the same bytes
	}
	text := appendDecoded(make([]byte, 0, len(body)), body) // only invalid UTF-8 decodes longer
	return unsafe.String(unsafe.SliceData(text), len(text)), true
}

// intAt reads the value at in[i] as GitLab's importer reads an id: a
// number or a string of digits; anything else is 0.
func (r *record) intAt(i int) int64 {
	text := r.in[i:valueEnd(r.in, i)]
	if s, ok := r.stringAt(i); ok {
		text = []byte(s)
	} else if c := r.in[i]; c != '-' && (c < '0' || c > '9') {
		return 0
	}
	n, _ := strconv.ParseInt(string(text), 10, 64)
	return n
}

// write writes the value at in[i] as encoding it again after decoding
// would: objects with sorted keys, strings re-escaped, no white space.
// When clean is set, objects are cleaned as well (see writeObject).
func (r *record) write(out *strings.Builder, c *cleaner, i int, clean bool) {
	switch r.in[i] {
	case '{':
		from, to := r.collect(i)
		r.writeObject(out, c, from, to, clean)
		r.members = r.members[:from]
	case '[':
		out.WriteByte('[')
		for n, j := 0, skipSpace(r.in, i+1); j >= 0 && j < len(r.in) && r.in[j] != ']'; n, j = n+1, nextMember(r.in, valueEnd(r.in, j)) {
			if n > 0 {
				out.WriteByte(',')
			}
			r.write(out, c, j, clean)
		}
		out.WriteByte(']')
	case '"':
		writeString(out, r.in[i+1:stringEnd(r.in, i)-1], true)
	default:
		out.Write(r.in[i:valueEnd(r.in, i)])
	}
}

// canonical is the value at in[i] encoded as write encodes it, uncleaned.
func (r *record) canonical(i int) string {
	var b strings.Builder
	r.write(&b, nil, i, false)
	return b.String()
}

// sameValue reports whether the values at in[i] and in[j] encode alike.
func (r *record) sameValue(i, j int) bool {
	if a, b := r.in[i], r.in[j]; a != '"' && a != '{' && a != '[' && b != '"' && b != '{' && b != '[' {
		return bytes.Equal(r.in[i:valueEnd(r.in, i)], r.in[j:valueEnd(r.in, j)]) // numbers, literals
	}
	return r.canonical(i) == r.canonical(j)
}

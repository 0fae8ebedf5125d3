package importer

import "bytes"

// nulEscape is how JSON writes a NUL character.
var nulEscape = []byte(`\u0000`)

// dropNULs returns the JSON text raw without its NUL characters (the
// \u0000 escapes of its strings; raw itself when it has none).
//
// A NUL in archive text is dropped, the rest of the record kept, on every
// store: PostgreSQL cannot store a NUL in text at all (GitLab, on
// PostgreSQL, fails such a record, or the import for project attributes),
// and SQLite could, so keeping it would make an import's result depend on
// the store. Dropping the character is the least lossy of the behaviours
// that are the same on both: nothing else of the record is lost.
func dropNULs(raw []byte) []byte {
	if !bytes.Contains(raw, nulEscape) {
		return raw
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		switch {
		case raw[i] != '\\' || i+1 == len(raw):
			out = append(out, raw[i])
		case bytes.HasPrefix(raw[i:], nulEscape):
			i += len(nulEscape) - 1
		default: // another escape, kept whole: `\\u0000` is no NUL
			out = append(out, raw[i], raw[i+1])
			i++
		}
	}
	return out
}

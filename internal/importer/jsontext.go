package importer

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The functions in this file walk JSON text in place, without decoding it:
// a record decoded into Go maps costs many times its size in memory, and
// one record may be 50 MB. They expect valid JSON: archive's readers check
// the syntax of every record they return.

// skipSpace returns the offset of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the offset just past the string whose opening quote
// is at b[i].
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			break
		}
		j += k
		slashes := 0
		for s := j - 1; s > i && b[s] == '\\'; s-- {
			slashes++
		}
		j++
		if slashes%2 == 0 {
			return j
		}
	}
	return len(b)
}

// valueEnd returns the offset just past the value starting at b[i].
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return len(b)
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = stringEnd(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(b)
	}
	for i < len(b) && !strings.ContainsRune(",]} \t\r\n", rune(b[i])) {
		i++
	}
	return i
}

// nextMember moves past the value ending at i to the next element or
// member: it returns the offset after the comma, or -1 at the closing
// bracket.
func nextMember(b []byte, i int) int {
	i = skipSpace(b, i)
	if i < len(b) && b[i] == ',' {
		return skipSpace(b, i+1)
	}
	return -1
}

// tooDeep reports whether a value of b sits deeper than max containers
// (the outermost value is at depth 0, what it holds at depth 1, ...), as
// GitLab refuses records nested too deeply. It never recurses.
func tooDeep(b []byte, max int) bool {
	open := 0
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case ' ', '\t', '\n', '\r', ',', ':':
		case '}', ']':
			open--
		default:
			if open > max {
				return true
			}
			if c == '"' {
				i = stringEnd(b, i) - 1
			} else if c == '{' || c == '[' {
				open++
			}
		}
	}
	return false
}

// isSimple reports whether the body of a JSON string (between its quotes)
// is its own decoded text: no escapes, valid UTF-8.
func isSimple(body []byte) bool {
	return bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body)
}

// nextRune decodes the rune at the start of a JSON string body, resolving
// an escape as encoding/json does (a broken surrogate pair and invalid
// UTF-8 become U+FFFD); it returns the rune and the bytes it took.
func nextRune(body []byte) (rune, int) {
	if body[0] != '\\' {
		return utf8.DecodeRune(body)
	}
	if len(body) < 2 {
		return utf8.RuneError, len(body)
	}
	switch body[1] {
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		r := hex4(body[2:])
		if r < 0 {
			return utf8.RuneError, len(body)
		}
		if !utf16.IsSurrogate(r) {
			return r, 6
		}
		if len(body) >= 12 && body[6] == '\\' && body[7] == 'u' {
			if dec := utf16.DecodeRune(r, hex4(body[8:])); dec != unicode.ReplacementChar {
				return dec, 12
			}
		}
		return unicode.ReplacementChar, 6
	}
	return rune(body[1]), 2 // \" \\ \/
}

func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 16)
	if err != nil {
		return -1
	}
	return rune(n)
}

// appendDecoded appends the decoded text of a JSON string body to dst.
func appendDecoded(dst, body []byte) []byte {
	for len(body) > 0 {
		r, n := nextRune(body)
		dst = utf8.AppendRune(dst, r)
		body = body[n:]
	}
	return dst
}

// blank reports whether a JSON string body decodes to white space only
// (strings.TrimSpace would leave nothing), without decoding it whole.
func blank(body []byte) bool {
	for len(body) > 0 {
		r, n := nextRune(body)
		if !unicode.IsSpace(r) {
			return false
		}
		body = body[n:]
	}
	return true
}

// writeString writes text as encoding/json encodes a Go string (HTML
// characters, U+2028 and U+2029 escaped; invalid UTF-8 as U+FFFD). When
// escaped, text is the body of a JSON string and its escapes are decoded
// first, so the result is exactly what decoding it and encoding it again
// gives.
func writeString(out *strings.Builder, text []byte, escaped bool) {
	out.WriteByte('"')
	run := 0
	for i := 0; i < len(text); {
		c := text[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			i++
			continue
		}
		var r rune
		var n int
		if escaped {
			r, n = nextRune(text[i:])
		} else {
			r, n = utf8.DecodeRune(text[i:])
		}
		if r >= utf8.RuneSelf && r != '\u2028' && r != '\u2029' && !(r == utf8.RuneError && n == 1) && c != '\\' {
			i += n // valid UTF-8, written as it is
			continue
		}
		out.Write(text[run:i])
		writeRune(out, r)
		i += n
		run = i
	}
	out.Write(text[run:])
	out.WriteByte('"')
}

const hexDigits = "0123456789abcdef"

// writeRune writes one decoded rune the way encoding/json writes it.
func writeRune(out *strings.Builder, r rune) {
	switch r {
	case '\\', '"':
		out.WriteByte('\\')
		out.WriteByte(byte(r))
	case '\b':
		out.WriteString(`\b`)
	case '\f':
		out.WriteString(`\f`)
	case '\n':
		out.WriteString(`\n`)
	case '\r':
		out.WriteString(`\r`)
	case '\t':
		out.WriteString(`\t`)
	case '\u2028', '\u2029':
		out.WriteString(`\u202`)
		out.WriteByte(hexDigits[r&0xF])
	default:
		if r < 0x20 || r == '<' || r == '>' || r == '&' {
			out.WriteString(`\u00`)
			out.WriteByte(hexDigits[r>>4])
			out.WriteByte(hexDigits[r&0xF])
			return
		}
		out.WriteRune(r) // U+FFFD for invalid UTF-8, as decoding gives
	}
}

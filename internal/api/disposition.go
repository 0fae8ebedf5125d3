package api

import (
	"fmt"
	"strings"
)

// contentDisposition is Rails' Content-Disposition for a file: kind
// ("inline" or "attachment"), an ASCII filename and the UTF-8 filename*,
// each percent-escaped as Rails escapes them.
func contentDisposition(kind, name string) string {
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, kind,
		percentEscape(asciiOnly(name), " !#$+.^_`|~-"), percentEscape(name, "!#$&+.^_`|~-"))
}

// asciiOnly replaces every non-ASCII character of s by "?".
func asciiOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x80 {
			return '?'
		}
		return r
	}, s)
}

// percentEscape escapes every byte of s that is not an ASCII letter, digit
// or one of keep.
func percentEscape(s, keep string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(keep, c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

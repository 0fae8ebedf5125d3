package importer

import "testing"

// TestDropNULs pins that only NUL escapes go: an escaped backslash before
// "u0000" is text, and other escapes stay as they are.
func TestDropNULs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"a":"b"}`:                         `{"a":"b"}`,
		`{"description":"x\u0000y"}`:        `{"description":"xy"}`,
		`{"a":"\u0000\u0000","b":"\u0000"}`: `{"a":"","b":""}`,
		`{"a":"\\u0000"}`:                   `{"a":"\\u0000"}`,
		`{"a":"\\\u0000"}`:                  `{"a":"\\"}`,
		`{"a":"\u00001\n\"\u0001"}`:         `{"a":"1\n\"\u0001"}`,
		`{"\u0000k":1}`:                     `{"k":1}`,
	} {
		if got := string(dropNULs([]byte(in))); got != want {
			t.Errorf("dropNULs(%s) = %s, want %s", in, got, want)
		}
	}
}

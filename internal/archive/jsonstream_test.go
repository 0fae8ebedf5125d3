package archive

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// streamValid reports whether jsonStream takes text as one JSON value.
func streamValid(text string) bool {
	s := newJSONStream(strings.NewReader(text))
	if err := s.skip(); err != nil {
		return false
	}
	_, err := s.peek()
	return err == io.EOF
}

var jsonSyntaxCases = []string{
	``, ` `, `1`, `-0`, `-01`, `01`, `1.`, `1.5`, `.5`, `1e5`, `1E+5`, `1e-5`, `1e`, `-`, `+1`, `0x1`,
	`"a"`, `"\u00e9\n\"\\\/\b\f\r\t"`, `"\x"`, `"\u12"`, `"\u12g4"`, "\"a\x01\"", "\"\xff\"", `"a`,
	`true`, `false`, `null`, `nul`, `truee`, `True`,
	`[]`, `[ ]`, `[1,2]`, `[1,]`, `[,1]`, `[1 2]`, `[`, `]`, `[[[]]]`, `[[[]]`,
	`{}`, `{"a":1}`, `{"a":1,}`, `{"a" 1}`, `{"a":}`, `{1:1}`, `{"a":1,"b":[{"c":null}]}`, `{"a":1}}`,
	`{"a":1} {"b":2}`, `1 2`, ` {"a" : [ 1 , { } ] } `,
}

// TestJSONStream_SameAsValid pins that the scanner accepts exactly what
// encoding/json does.
func TestJSONStream_SameAsValid(t *testing.T) {
	t.Parallel()
	cases := append(jsonSyntaxCases, strings.Repeat("[", maxNesting)+strings.Repeat("]", maxNesting),
		strings.Repeat("[", maxNesting+1)+strings.Repeat("]", maxNesting+1))
	for _, c := range cases {
		if got, want := streamValid(c), json.Valid([]byte(c)); got != want {
			t.Errorf("%.40q: stream says valid=%v, encoding/json %v", c, got, want)
		}
	}
}

func FuzzJSONStream(f *testing.F) {
	for _, c := range jsonSyntaxCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := streamValid(text), json.Valid([]byte(text)); got != want {
			t.Errorf("%q: stream says valid=%v, encoding/json %v", text, got, want)
		}
	})
}

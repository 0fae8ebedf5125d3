package archive

import (
	"bytes"
	"fmt"
)

// scanner walks a JSON document by byte offsets, finding where each value
// ends without decoding it. It checks structure (brackets, quotes, commas
// and colons where Filter expects them), not the contents of strings and
// numbers: its input is JSON that Ferry stored itself.
type scanner struct {
	data []byte
	i    int
}

func (s *scanner) fail() error {
	if s.i >= len(s.data) {
		return fmt.Errorf("unexpected end of JSON")
	}
	return fmt.Errorf("invalid JSON at byte %d", s.i)
}

func (s *scanner) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek is the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	if s.i < len(s.data) {
		return s.data[s.i]
	}
	return 0
}

// consume moves past c if it is the next byte.
func (s *scanner) consume(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

// next moves past the comma after a member of an object or array and
// reports false, or past its closing byte and reports true.
func (s *scanner) next(closing byte) (done bool, err error) {
	if s.space(); s.consume(closing) {
		return true, nil
	}
	if !s.consume(',') {
		return false, s.fail()
	}
	return false, nil
}

// skipString moves past the string that starts at s.i. The closing quote
// is the first one not escaped by an odd run of backslashes.
func (s *scanner) skipString() error {
	if s.peek() != '"' {
		return s.fail()
	}
	start := s.i + 1
	for from := start; ; {
		j := bytes.IndexByte(s.data[from:], '"')
		if j < 0 {
			s.i = len(s.data)
			return s.fail()
		}
		j += from
		k := j
		for k > start && s.data[k-1] == '\\' {
			k--
		}
		if (j-k)%2 == 0 {
			s.i = j + 1
			return nil
		}
		from = j + 1
	}
}

// skipValue moves past the value that starts at s.i.
func (s *scanner) skipValue() error {
	switch s.peek() {
	case '"':
		return s.skipString()
	case '{', '[':
		return s.skipNested()
	}
	start := s.i
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r', ':', '"', '{', '[':
			if s.i == start {
				return s.fail()
			}
			return nil
		}
		s.i++
	}
	if s.i == start {
		return s.fail()
	}
	return nil
}

// skipNested moves past the object or array that starts at s.i, counting
// brackets outside strings.
func (s *scanner) skipNested() error {
	var buf [32]byte
	stack := buf[:0]
	for s.i < len(s.data) {
		switch c := s.data[s.i]; c {
		case '"':
			if err := s.skipString(); err != nil {
				return err
			}
			continue
		case '{', '[':
			stack = append(stack, c+2) // '}' is '{'+2, ']' is '['+2
		case '}', ']':
			if len(stack) == 0 || stack[len(stack)-1] != c {
				return s.fail()
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				s.i++
				return nil
			}
		}
		s.i++
	}
	return s.fail()
}

// copyValue appends the value at s.i to dst as it is and moves past it.
func (s *scanner) copyValue(dst []byte) ([]byte, error) {
	start := s.i
	if err := s.skipValue(); err != nil {
		return dst, err
	}
	return append(dst, s.data[start:s.i]...), nil
}

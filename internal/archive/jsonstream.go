package archive

import (
	"bufio"
	"errors"
	"io"
)

// maxNesting is how deeply values may nest, as in encoding/json.
const maxNesting = 10000

// errSyntax is a syntax error found by a jsonStream.
var errSyntax = ErrJSONFormat

// jsonStream reads JSON text a byte at a time, checking its syntax as
// encoding/json does, and keeps nothing it is not asked for: it walks
// through a legacy project.json of any size, and through values of any
// size, in the memory of its buffer.
type jsonStream struct {
	br  *bufio.Reader
	off int64 // bytes consumed
}

func newJSONStream(r io.Reader) *jsonStream {
	return &jsonStream{br: bufio.NewReaderSize(r, 64<<10)}
}

// read consumes one byte; the end of the input is a syntax error.
func (s *jsonStream) read() (byte, error) {
	c, err := s.br.ReadByte()
	if err == io.EOF {
		return 0, errSyntax
	}
	if err == nil {
		s.off++
	}
	return c, err
}

// peek skips white space and returns the next byte without consuming it;
// at the end of the input it returns io.EOF.
func (s *jsonStream) peek() (byte, error) {
	for {
		c, err := s.br.ReadByte()
		if err != nil {
			return 0, err
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c, s.br.UnreadByte()
		}
		s.off++
	}
}

// expect skips white space and consumes c.
func (s *jsonStream) expect(c byte) error {
	got, err := s.peek()
	if err == io.EOF || err == nil && got != c {
		return errSyntax
	}
	if err != nil {
		return err
	}
	_, err = s.read()
	return err
}

// str consumes a string (s must be at its opening quote) and, when keep
// is set, returns its body as written, up to max bytes (ErrJSONTooLarge
// beyond).
func (s *jsonStream) str(keep bool, max int) ([]byte, error) {
	if err := s.expect('"'); err != nil {
		return nil, err
	}
	var body []byte
	for {
		c, err := s.read()
		if err != nil {
			return nil, err
		}
		switch {
		case c == '"':
			return body, nil
		case c < 0x20:
			return nil, errSyntax
		case c == '\\':
			if keep {
				body = append(body, c)
			}
			if c, err = s.read(); err != nil {
				return nil, err
			}
			n := 0
			switch c {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				n = 4
			default:
				return nil, errSyntax
			}
			for i := 0; ; i++ {
				if keep {
					body = append(body, c)
				}
				if i == n {
					break
				}
				if c, err = s.read(); err != nil {
					return nil, err
				}
				if !isHex(c) {
					return nil, errSyntax
				}
			}
		case keep:
			body = append(body, c)
		}
		if len(body) > max {
			return nil, ErrJSONTooLarge
		}
	}
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digits consumes one or more digits.
func (s *jsonStream) digits() error {
	for n := 0; ; n++ {
		c, err := s.br.ReadByte()
		if err == io.EOF || err == nil && !isDigit(c) {
			if err == nil {
				err = s.br.UnreadByte()
			} else {
				err = nil
			}
			if n == 0 {
				return errSyntax
			}
			return err
		}
		if err != nil {
			return err
		}
		s.off++
	}
}

// optional consumes the next byte if it is one of set.
func (s *jsonStream) optional(set string) (bool, error) {
	c, err := s.br.ReadByte()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for i := 0; i < len(set); i++ {
		if c == set[i] {
			s.off++
			return true, nil
		}
	}
	return false, s.br.UnreadByte()
}

// number consumes a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonStream) number() error {
	if _, err := s.optional("-"); err != nil {
		return err
	}
	if zero, err := s.optional("0"); err != nil || !zero {
		if err == nil {
			err = s.digits()
		}
		if err != nil {
			return err
		}
	}
	for _, part := range []string{".", "eE"} {
		ok, err := s.optional(part)
		if err == nil && ok && part == "eE" {
			_, err = s.optional("+-")
		}
		if err == nil && ok {
			err = s.digits()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// literal consumes true, false or null.
func (s *jsonStream) literal(c byte) error {
	word := "null"
	if c == 't' {
		word = "true"
	} else if c == 'f' {
		word = "false"
	}
	for i := 0; i < len(word); i++ {
		if got, err := s.read(); err != nil || got != word[i] {
			return errors.Join(errSyntax, err)
		}
	}
	return nil
}

// scalar consumes a string, number or literal starting with c.
func (s *jsonStream) scalar(c byte) error {
	switch {
	case c == '"':
		_, err := s.str(false, 0)
		return err
	case c == '-' || isDigit(c):
		return s.number()
	case c == 't' || c == 'f' || c == 'n':
		return s.literal(c)
	}
	return errSyntax
}

// skip consumes one value, of any size and depth, checking its syntax.
func (s *jsonStream) skip() error {
	var open []byte // closing brackets of the containers being read
	for {
		c, err := s.peek()
		if err != nil {
			return eofSyntax(err)
		}
		if c != '{' && c != '[' {
			if err := s.scalar(c); err != nil {
				return err
			}
		} else {
			if _, err := s.read(); err != nil {
				return err
			}
			if len(open) == maxNesting {
				return errSyntax
			}
			open = append(open, c+2) // '{'+2 is '}', '['+2 is ']'
			if next, err := s.peek(); err != nil || next == c+2 {
				open, err = open[:len(open)-1], eofSyntax(err)
				if err == nil {
					_, err = s.read()
				}
				if err != nil {
					return err
				}
			} else if c == '{' {
				if err := s.key(); err != nil {
					return err
				}
				continue
			} else {
				continue
			}
		}
		// After a value: a comma and the next one, or closing brackets.
		for {
			if len(open) == 0 {
				return nil
			}
			c, err := s.peek()
			if err != nil {
				return eofSyntax(err)
			}
			if _, err := s.read(); err != nil {
				return err
			}
			if c == open[len(open)-1] {
				open = open[:len(open)-1]
				continue
			}
			if c != ',' {
				return errSyntax
			}
			if open[len(open)-1] == '}' {
				if err := s.key(); err != nil {
					return err
				}
			}
			break
		}
	}
}

// array consumes an array of any size, checking its syntax, and reports
// whether its first element is an object.
func (s *jsonStream) array() (objects bool, err error) {
	if err := s.expect('['); err != nil {
		return false, err
	}
	c, err := s.peek()
	if err != nil {
		return false, eofSyntax(err)
	}
	if c == ']' {
		_, err = s.read()
		return false, err
	}
	objects = c == '{'
	for {
		if err := s.skip(); err != nil {
			return false, err
		}
		c, err := s.peek()
		if err == nil {
			_, err = s.read()
		}
		switch {
		case err != nil:
			return false, eofSyntax(err)
		case c == ']':
			return objects, nil
		case c != ',':
			return false, errSyntax
		}
	}
}

// key consumes an object key and its colon.
func (s *jsonStream) key() error {
	if _, err := s.str(false, 0); err != nil {
		return err
	}
	return s.expect(':')
}

func eofSyntax(err error) error {
	if err == io.EOF {
		return errSyntax
	}
	return err
}

package api

import (
	"bufio"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/ferryhq/ferry"
)

// formReadSize is the most a form reads from the body at once.
const formReadSize = 256 << 10

var invalidForm = &ferry.ParamError{Param: "body", Reason: "is not a valid multipart form"}

// form reads a multipart/form-data body part by part, within limits: at
// most MaxFormParts parts, and at most a budget of body bytes outside the
// files it hands to a fileHandler (field values, part headers,
// boundaries), so neither many fields nor large ones can fill memory.
type form struct {
	mr     *multipart.Reader
	budget *formBudget
	parts  int
}

// fileHandler takes a file part of a form (its bytes do not count against
// the budget), or declines it (false, before reading it) to have it read
// as a field.
type fileHandler func(part *multipart.Part) (taken bool, err error)

// newForm starts reading r's multipart body with budget bytes for
// fields. Returns invalidForm when the Content-Type has no boundary.
func newForm(r *http.Request, budget int64) (*form, error) {
	_, ps, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ps["boundary"] == "" {
		return nil, invalidForm
	}
	// The multipart reader asks for 4 KiB at a time; the buffer under
	// the budget (which still counts what the form reads) turns that
	// into reads of whatever has arrived, up to formReadSize: an
	// archive's upload made one system call per 4 KiB. A small form's
	// buffer is only as large as its body.
	size := formReadSize
	if r.ContentLength > 0 && r.ContentLength < formReadSize {
		size = int(r.ContentLength)
	}
	b := &formBudget{r: bufio.NewReaderSize(r.Body, size), left: budget}
	return &form{mr: multipart.NewReader(b, ps["boundary"]), budget: b}, nil
}

// read reads every part: file parts go to file (nil reads them as fields
// and drops them), field values are returned. Returns tooManyParts past
// MaxFormParts, ferry.ErrTooLarge past the budget, requestTimeout when the
// body stops arriving, invalidForm for a malformed body and errMalformed
// for a field value with a NUL byte or invalid UTF-8.
func (f *form) read(file fileHandler) (url.Values, error) {
	values := url.Values{}
	for {
		part, err := f.mr.NextPart()
		if err == io.EOF { // not wrapped: a body without the final boundary is wrapped
			return values, nil
		}
		if err != nil {
			return values, bodyError(err, invalidForm)
		}
		if f.parts++; f.parts > MaxFormParts {
			return values, tooManyParts
		}
		if part.FileName() != "" && file != nil {
			f.budget.free = true
			taken, err := file(part)
			f.budget.free = false
			if err != nil {
				return values, err
			}
			if taken {
				continue
			}
		}
		value, err := io.ReadAll(part)
		if err != nil {
			return values, bodyError(err, invalidForm)
		}
		if part.FileName() == "" {
			if malformed(string(value)) {
				return values, errMalformed
			}
			values.Add(part.FormName(), string(value))
		}
	}
}

// formBudget fails a read once more than left bytes have been read while
// it is not free.
type formBudget struct {
	r    io.Reader
	left int64
	free bool
}

var errFormTooLarge = fmt.Errorf("multipart fields: %w", ferry.ErrTooLarge)

func (b *formBudget) Read(p []byte) (int, error) {
	if b.free {
		return b.r.Read(p)
	}
	if b.left < 0 {
		return 0, errFormTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

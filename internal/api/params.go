package api

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ferryhq/ferry"
)

// params are a request's parameters as GitLab's API reads them: the query
// string merged with a JSON, URL-encoded or multipart body (body wins).
// Nested JSON objects are flattened to GitLab's form keys ("upload[url]"),
// arrays keep every value, and "key[]" form keys are arrays.
type params struct {
	values map[string][]string
	// null marks keys given as JSON null.
	null map[string]bool
}

// parseParams reads r's parameters from a body of at most limit bytes.
// Returns a *ferry.ParamError for a malformed body, ferry.ErrTooLarge for
// one over limit (before reading it when its length is declared),
// errMalformed for a value with a NUL byte or invalid UTF-8, and form
// errors as form.read does.
func parseParams(r *http.Request, limit int64) (params, error) {
	p, err := readParams(r, limit)
	if err == nil {
		err = checkValues(p.values)
	}
	return p, err
}

func readParams(r *http.Request, limit int64) (params, error) {
	p, _ := queryParams(r)
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return p, nil
	}
	if r.ContentLength > limit {
		return p, ferry.ErrTooLarge
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/json":
		return p, p.readJSON(http.MaxBytesReader(nil, r.Body, limit))
	case "application/x-www-form-urlencoded":
		return p, p.readForm(http.MaxBytesReader(nil, r.Body, limit))
	case "multipart/form-data":
		return p, p.readMultipart(r, limit)
	}
	return p, nil
}

var unreadable = &ferry.ParamError{Param: "body", Reason: "could not be read"}

func (p params) readJSON(body io.Reader) error {
	data, err := io.ReadAll(body)
	if err != nil {
		return bodyError(err, unreadable)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if !utf8.Valid(data) { // decoding would turn it into U+FFFD unseen
		return errMalformed
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return &ferry.ParamError{Param: "body", Reason: "is not valid JSON"}
	}
	switch obj := v.(type) {
	case nil: // a literal null body, as client-go sends
		return nil
	case map[string]any:
		p.flatten("", obj)
		return nil
	}
	return &ferry.ParamError{Param: "body", Reason: "must be a JSON object"}
}

func (p params) flatten(prefix string, obj map[string]any) {
	for k, v := range obj {
		key := k
		if prefix != "" {
			key = prefix + "[" + k + "]"
		}
		key = strings.TrimSuffix(key, "[]")
		switch val := v.(type) {
		case map[string]any:
			p.flatten(key, val)
		case []any:
			vs := []string{}
			for _, item := range val {
				if s, ok := scalar(item); ok {
					vs = append(vs, s)
				}
			}
			p.values[key] = vs
		case nil:
			p.null[key] = true
			delete(p.values, key)
		default:
			s, _ := scalar(val)
			p.values[key] = []string{s}
		}
	}
}

func scalar(v any) (string, bool) {
	switch val := v.(type) {
	case string:
		return val, true
	case json.Number:
		return val.String(), true
	case bool:
		return strconv.FormatBool(val), true
	}
	return "", false
}

func (p params) readForm(body io.Reader) error {
	data, err := io.ReadAll(body)
	if err != nil {
		return bodyError(err, unreadable)
	}
	form, err := url.ParseQuery(string(data))
	if err != nil {
		return &ferry.ParamError{Param: "body", Reason: "is not a valid form"}
	}
	p.merge(form)
	return nil
}

// readMultipart reads a multipart body of at most limit bytes, files
// included (no route outside uploads takes files: they are dropped).
func (p params) readMultipart(r *http.Request, limit int64) error {
	f, err := newForm(r, limit)
	if err != nil {
		return err
	}
	values, err := f.read(nil)
	if err != nil {
		return err
	}
	p.merge(values)
	return nil
}

func (p params) merge(form url.Values) {
	for k, vs := range form {
		key := strings.TrimSuffix(k, "[]")
		p.values[key] = vs
		delete(p.null, key)
	}
}

// has reports whether key was given (null counts).
func (p params) has(key string) bool {
	_, ok := p.values[key]
	return ok || p.null[key]
}

// str returns the last value of key and whether it was given non-null.
func (p params) str(key string) (string, bool) {
	vs, ok := p.values[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

// list returns every value of key.
func (p params) list(key string) []string { return p.values[key] }

// require returns a *ferry.MissingError naming every key not given, in the
// order asked (as Grape, a given but empty value is not missing).
func (p params) require(keys ...string) error {
	var missing []string
	for _, k := range keys {
		if !p.has(k) {
			missing = append(missing, k)
		}
	}
	if missing != nil {
		return &ferry.MissingError{Params: missing}
	}
	return nil
}

var boolWords = map[string]bool{
	"true": true, "t": true, "yes": true, "y": true, "1": true, "on": true,
	"false": false, "f": false, "no": false, "n": false, "0": false, "off": false,
}

// boolean returns key as a boolean (true/false/1/0/yes/no in any case),
// def when absent. Returns a *ferry.ParamError for any other value.
func (p params) boolean(key string, def bool) (bool, error) {
	s, ok := p.str(key)
	if !ok {
		return def, nil
	}
	b, known := boolWords[strings.ToLower(strings.TrimSpace(s))]
	if !known {
		return false, &ferry.ParamError{Param: key}
	}
	return b, nil
}

// integer returns key as an int64, def when absent. Returns a
// *ferry.ParamError for a non-number.
func (p params) integer(key string, def int64) (int64, error) {
	s, ok := p.str(key)
	if !ok || s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, &ferry.ParamError{Param: key}
	}
	return n, nil
}

// dateTimeLayouts are the forms of a DateTime parameter Ferry reads.
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", time.DateOnly}

// dateTime returns key as a time (RFC 3339, a date and time in UTC, or a
// date), nil when absent or empty. Returns a *ferry.ParamError for any
// other value.
func (p params) dateTime(key string) (*time.Time, error) {
	s, ok := p.str(key)
	if !ok || s == "" {
		return nil, nil
	}
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return &t, nil
		}
	}
	return nil, &ferry.ParamError{Param: key}
}

// oneOf returns key when it is one of allowed (def when absent). Returns a
// *ferry.ParamError "does not have a valid value" otherwise.
func (p params) oneOf(key, def string, allowed ...string) (string, error) {
	s, ok := p.str(key)
	if !ok {
		return def, nil
	}
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", &ferry.ParamError{Param: key, Reason: "does not have a valid value"}
}

// hash returns the flat "prefix[key]" values as a map of key to value.
func (p params) hash(prefix string) map[string]string {
	out := map[string]string{}
	for k := range p.values {
		if inner, ok := strings.CutPrefix(k, prefix+"["); ok && strings.HasSuffix(inner, "]") {
			out[strings.TrimSuffix(inner, "]")], _ = p.str(k)
		}
	}
	return out
}

package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// byteRange is one range of a Range header, resolved against a length:
// the bytes from start, length of them.
type byteRange struct{ start, length int64 }

// errRangeSyntax is a Range header whose byte-range set does not parse.
var errRangeSyntax = errors.New("invalid byte range")

// parseByteRanges reads the byte ranges of a Range header for a
// representation of size bytes, as RFC 9110 §14.1.2 defines them.
// ok is false when the header does not ask for byte ranges (no header,
// or another range unit, which a server must ignore: the answer is the
// whole body). Returns the satisfiable ranges only: an int-range whose
// first byte is past the end and a suffix range of length 0 ("bytes=-0")
// are not; none left means 416. Returns errRangeSyntax for a malformed
// set.
func parseByteRanges(header string, size int64) (ranges []byteRange, ok bool, err error) {
	unit, set, found := strings.Cut(header, "=")
	if !found || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return nil, false, nil
	}
	specs := 0
	for _, spec := range strings.Split(set, ",") {
		spec = strings.TrimSpace(spec)
		if spec == "" {
			continue // RFC 9110 §5.6.1: empty list elements are allowed
		}
		specs++
		r, satisfiable, err := parseByteRange(spec, size)
		if err != nil {
			return nil, true, err
		}
		if satisfiable {
			ranges = append(ranges, r)
		}
	}
	if specs == 0 {
		return nil, true, errRangeSyntax
	}
	return ranges, true, nil
}

// parseByteRange reads one int-range ("first-last", "first-") or
// suffix-range ("-length") and says whether size bytes satisfy it.
func parseByteRange(spec string, size int64) (byteRange, bool, error) {
	first, last, found := strings.Cut(spec, "-")
	if !found {
		return byteRange{}, false, errRangeSyntax
	}
	if first == "" {
		n, err := digits(last)
		if err != nil {
			return byteRange{}, false, err
		}
		n = min(n, size)
		return byteRange{start: size - n, length: n}, n > 0, nil
	}
	start, err := digits(first)
	if err != nil {
		return byteRange{}, false, err
	}
	end := size - 1
	if last != "" {
		if end, err = digits(last); err != nil {
			return byteRange{}, false, err
		}
		if end < start {
			return byteRange{}, false, errRangeSyntax
		}
		end = min(end, size-1)
	}
	return byteRange{start: start, length: end - start + 1}, start < size, nil
}

// digits is a non-negative decimal of RFC 9110's 1*DIGIT (no sign, no
// spaces); a number past int64 is a malformed range.
func digits(s string) (int64, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, errRangeSyntax
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errRangeSyntax
	}
	return n, nil
}

// serveContent is every download that honours Range (export download,
// uploads, LFS objects): http.ServeContent (conditional requests,
// If-Range, multipart ranges) with the Range header read by
// parseByteRanges first, so that a Range of another unit is ignored (200,
// the whole body) and an unsatisfiable one ("bytes=-0") answers 416 with
// "Content-Range: bytes */<size>", as RFC 9110 says. Returns an error,
// before anything is written, when content cannot tell its size.
func serveContent(w http.ResponseWriter, r *http.Request, name string, modtime time.Time, content io.ReadSeeker) error {
	header := r.Header.Get("Range")
	if header == "" {
		http.ServeContent(w, r, name, modtime, content)
		return nil
	}
	size, err := content.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = content.Seek(0, io.SeekStart)
	}
	if err != nil {
		return fmt.Errorf("size of %q for a range request: %w", name, err)
	}
	http.ServeContent(w, withRange(r, rangeFor(header, size)), name, modtime, content)
	return nil
}

// rangeFor is the Range header http.ServeContent is given for header:
// none for another unit or an empty body (the whole body), one it answers
// 416 to ("bytes=<size>-") for a malformed or unsatisfiable set, else the
// satisfiable ranges, resolved.
func rangeFor(header string, size int64) string {
	ranges, ok, err := parseByteRanges(header, size)
	switch {
	case !ok || size == 0 && err == nil:
		return ""
	case err != nil || len(ranges) == 0:
		return "bytes=" + strconv.FormatInt(size, 10) + "-"
	}
	specs := make([]string, len(ranges))
	for i, br := range ranges {
		specs[i] = strconv.FormatInt(br.start, 10) + "-" + strconv.FormatInt(br.start+br.length-1, 10)
	}
	return "bytes=" + strings.Join(specs, ",")
}

// withRange is r with its Range header set to header (removed when "").
func withRange(r *http.Request, header string) *http.Request {
	r2 := r.Clone(r.Context())
	if header == "" {
		r2.Header.Del("Range")
	} else {
		r2.Header.Set("Range", header)
	}
	return r2
}

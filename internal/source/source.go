// Package source is where a remote import's archive comes from: an https
// URL (remote-import) or an S3 object (remote-import-s3). It checks a
// source when the import is requested, with GitLab's messages, and later
// downloads it for the import job, streamed to a file and cut off at the
// size limit. Outbound URLs go through the SSRF policy with the address
// pinned; S3 goes through the AWS SDK.
package source

import (
	"fmt"
	"strconv"
	"strings"
)

// AllowedTypes are the Content-Types an archive may be served with.
var AllowedTypes = []string{"application/gzip", "application/x-tar", "application/x-gzip"}

// Error is a check failure; its text is GitLab's message, answered as
// 400 {"message": text}.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

func fail(format string, args ...any) error { return &Error{Message: fmt.Sprintf(format, args...)} }

// finalError is a download failure that no retry can mend: the source
// is missing, too large or not an archive.
type finalError struct{ err error }

func (e *finalError) Error() string { return e.err.Error() }
func (e *finalError) Unwrap() error { return e.err }

// Permanent reports that retrying cannot help (see importer.Fetcher).
func (e *finalError) Permanent() bool { return true }

func final(err error) error { return &finalError{err} }

// checkHeaders applies GitLab's RemoteFileValidator: a size of at least
// one byte and at most maxBytes (0 = no limit), and an archive type.
func checkHeaders(size int64, contentType string, maxBytes int64) error {
	if size < 1 {
		return fail("Content length is too small (should be at least 1 B)")
	}
	if maxBytes > 0 && size > maxBytes {
		return fail("Content length is too big (should be at most %s)", HumanSize(maxBytes))
	}
	return checkType(contentType)
}

// checkType accepts the archive types only.
func checkType(contentType string) error {
	mediaType := strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0])
	for _, t := range AllowedTypes {
		if strings.EqualFold(mediaType, t) {
			return nil
		}
	}
	return fail("Content type '%s' not allowed. (Allowed: %s)", contentType, strings.Join(AllowedTypes, ", "))
}

// HumanSize writes a byte count as GitLab does (3 significant digits,
// binary units): "10 GiB", "1.5 MiB", "512 B".
func HumanSize(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	v, i := float64(n), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return strconv.FormatInt(n, 10) + " B"
	}
	s := strconv.FormatFloat(v, 'f', max(0, 2-digits(v)), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + " " + units[i]
}

func digits(v float64) int {
	switch {
	case v >= 100:
		return 2
	case v >= 10:
		return 1
	}
	return 0
}

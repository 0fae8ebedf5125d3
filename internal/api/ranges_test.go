package api

import (
	"reflect"
	"testing"
)

// TestParseByteRanges pins RFC 9110's byte ranges for a 10-byte body:
// another unit is not a range request, "-0" and ranges past the end are
// unsatisfiable, a suffix longer than the body is all of it.
func TestParseByteRanges(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		header  string
		ranges  []byteRange
		ok, bad bool
		rewrite string
	}{
		{"items=0-1", nil, false, false, ""},
		{"bytes", nil, false, false, ""},
		{"bytes=0-1", []byteRange{{0, 2}}, true, false, "bytes=0-1"},
		{"Bytes = 0-1", []byteRange{{0, 2}}, true, false, "bytes=0-1"},
		{"bytes=5-", []byteRange{{5, 5}}, true, false, "bytes=5-9"},
		{"bytes=8-20", []byteRange{{8, 2}}, true, false, "bytes=8-9"},
		{"bytes=-3", []byteRange{{7, 3}}, true, false, "bytes=7-9"},
		{"bytes=-30", []byteRange{{0, 10}}, true, false, "bytes=0-9"},
		{"bytes=-0", nil, true, false, "bytes=10-"},
		{"bytes=10-", nil, true, false, "bytes=10-"},
		{"bytes=-0, 2-3", []byteRange{{2, 2}}, true, false, "bytes=2-3"},
		{"bytes=0-0,,-1", []byteRange{{0, 1}, {9, 1}}, true, false, "bytes=0-0,9-9"},
		{"bytes=", nil, true, true, "bytes=10-"},
		{"bytes=3-1", nil, true, true, "bytes=10-"},
		{"bytes=a-b", nil, true, true, "bytes=10-"},
		{"bytes=+1-2", nil, true, true, "bytes=10-"},
		{"bytes=--1", nil, true, true, "bytes=10-"},
		{"bytes=1", nil, true, true, "bytes=10-"},
		{"bytes=99999999999999999999-", nil, true, true, "bytes=10-"},
	} {
		ranges, ok, err := parseByteRanges(tt.header, 10)
		if !reflect.DeepEqual(ranges, tt.ranges) || ok != tt.ok || (err != nil) != tt.bad {
			t.Errorf("%q: %v %v %v, want %v %v bad %v", tt.header, ranges, ok, err, tt.ranges, tt.ok, tt.bad)
		}
		if got := rangeFor(tt.header, 10); got != tt.rewrite {
			t.Errorf("rangeFor(%q) = %q, want %q", tt.header, got, tt.rewrite)
		}
	}
	// An empty body has no byte to range over: any byte range is the
	// whole (empty) body, a malformed one still 416.
	if got := rangeFor("bytes=-5", 0); got != "" {
		t.Errorf("empty body, bytes=-5: %q", got)
	}
	if got := rangeFor("bytes=x", 0); got != "bytes=0-" {
		t.Errorf("empty body, bytes=x: %q", got)
	}
}

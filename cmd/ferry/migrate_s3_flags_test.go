package main

import (
	"flag"
	"strings"
	"testing"
)

// TestS3StageFlags pins what --via-s3 and its flags accept: no stager
// without it, a stager for a bucket URL, a usage error otherwise.
func TestS3StageFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args  []string
		stage bool
		err   string
	}{
		{nil, false, ""},
		{[]string{"--via-s3", "s3://bucket/prefix", "--s3-endpoint", "https://127.0.0.1:9000"}, true, ""},
		{[]string{"--via-s3", "s3://bucket"}, true, ""},
		{[]string{"--via-s3", "https://bucket/prefix"}, false, "want s3://bucket/prefix"},
		{[]string{"--via-s3", "s3:///prefix"}, false, "want s3://bucket/prefix"},
		{[]string{"--via-s3", "s3://bucket/p?endpoint=x"}, false, "want s3://bucket/prefix"},
		{[]string{"--via-s3", "s3://bucket/p", "--s3-url-expires", "0s"}, false, "--s3-url-expires"},
		{[]string{"--via-s3", "s3://bucket/p", "--s3-url-expires", "200h"}, false, "--s3-url-expires"},
		{[]string{"--via-s3", "s3://bucket/p", "--s3-region", "Bad Region"}, false, "region"},
	} {
		fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
		var f s3StageFlags
		f.register(fs)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		st, err := f.stager(t.TempDir())
		if (st != nil) != tt.stage || (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%q: stager %v, error %v; want stager %v, error with %q", tt.args, st, err, tt.stage, tt.err)
		}
	}
}

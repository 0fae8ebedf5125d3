package main

import (
	"cmp"
	"flag"
	"net/url"
	"os"
	"time"

	"github.com/ferryhq/ferry/internal/blob/s3blob"
	"github.com/ferryhq/ferry/internal/migrate"
	"github.com/ferryhq/ferry/internal/trust"
)

// s3StageFlags are migrate's flags that move archives through a bucket.
type s3StageFlags struct {
	via, endpoint, region, accessKey, secretKey, caFile string
	expires                                             time.Duration
}

// defaultStageExpiry is how long a staged archive's pre-signed URL is
// valid: long enough for an import job waiting in the target's queue.
const defaultStageExpiry = time.Hour

func (f *s3StageFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.via, "via-s3", "", "move each archive through this bucket (s3://bucket/prefix): the target imports it "+
		"from a pre-signed URL (remote-import), then it is deleted")
	fs.StringVar(&f.endpoint, "s3-endpoint", "", "an S3-compatible server for --via-s3 (default: AWS)")
	fs.StringVar(&f.region, "s3-region", "", "the bucket's region (default AWS_REGION, else us-east-1)")
	fs.StringVar(&f.accessKey, "s3-access-key-id", "", "the access key for --via-s3 (default AWS_ACCESS_KEY_ID)")
	fs.StringVar(&f.secretKey, "s3-secret-access-key", "", "the secret key for --via-s3 (default AWS_SECRET_ACCESS_KEY)")
	fs.StringVar(&f.caFile, "s3-ca-file", "", "PEM file of CA certificates trusted for --s3-endpoint, on top of the system's "+
		"(default FERRY_CA_FILE)")
	fs.DurationVar(&f.expires, "s3-url-expires", defaultStageExpiry, "how long the pre-signed URL of a staged archive is valid")
}

// stager is the Stager the flags ask for, nil without --via-s3. The
// credentials come from the flags or AWS's environment variables, and
// are never printed.
func (f *s3StageFlags) stager(dir string) (migrate.Stager, error) {
	if f.via == "" {
		return nil, nil
	}
	u, err := url.Parse(f.via)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.RawQuery != "" {
		return nil, usagef("migrate: --via-s3 %q: want s3://bucket/prefix", f.via)
	}
	if f.expires <= 0 || f.expires > 7*24*time.Hour {
		return nil, usagef("migrate: --s3-url-expires must be above 0 and at most 168h (S3's limit)")
	}
	q := url.Values{"region": {cmp.Or(f.region, os.Getenv("AWS_REGION"), "us-east-1")}}
	if f.endpoint != "" {
		q.Set("endpoint", f.endpoint)
	}
	u.RawQuery = q.Encode()
	roots, err := trust.Roots(cmp.Or(f.caFile, os.Getenv("FERRY_CA_FILE")))
	if err != nil {
		return nil, usagef("migrate: --s3-ca-file: %v", err)
	}
	store, err := s3blob.Open(u.String(), s3blob.Options{AccessKeyID: cmp.Or(f.accessKey, os.Getenv("AWS_ACCESS_KEY_ID")),
		SecretAccessKey: cmp.Or(f.secretKey, os.Getenv("AWS_SECRET_ACCESS_KEY")), RootCAs: roots, TempDir: dir})
	if err != nil {
		return nil, usagef("migrate: --via-s3: %v", err)
	}
	return migrate.S3Stage{Store: store, Expires: f.expires}, nil
}

// Package s3store builds S3 clients with the AWS SDK for Go v2: AWS's
// regional endpoints by default, or one S3-compatible endpoint
// (FERRY_S3_ENDPOINT) with path-style addressing, and static credentials.
package s3store

import (
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Config says how to reach a bucket.
type Config struct {
	// Endpoint is an S3-compatible server ("http://127.0.0.1:9000"); empty
	// means AWS.
	Endpoint        string
	Region          string
	AccessKeyID     string
	SecretAccessKey string
}

var regionFormat = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// ValidRegion reports whether region can name an AWS region (it becomes
// part of a host name, so anything else is refused).
func ValidRegion(region string) bool { return regionFormat.MatchString(region) }

// NewClient returns a client for cfg. Returns an error for a malformed
// region.
func NewClient(cfg Config) (*s3.Client, error) {
	if !ValidRegion(cfg.Region) {
		return nil, fmt.Errorf("region %q is not valid", cfg.Region)
	}
	opts := s3.Options{
		Region:      cfg.Region,
		Credentials: credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, ""),
		// Checksums only when an operation requires them: S3-compatible
		// stores do not all support the newer defaults.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if cfg.Endpoint != "" {
		opts.BaseEndpoint = aws.String(cfg.Endpoint)
		opts.UsePathStyle = true
	}
	return s3.New(opts), nil
}

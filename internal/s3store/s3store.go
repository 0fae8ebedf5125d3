// Package s3store builds S3 clients with the AWS SDK for Go v2: AWS's
// regional endpoints by default, or one S3-compatible endpoint
// (FERRY_S3_ENDPOINT) with path-style addressing, static credentials, and
// the roots the operator trusts (FERRY_CA_FILE).
package s3store

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
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
	// RootCAs are the roots trusted for an https endpoint; nil means the
	// system's (see package trust).
	RootCAs *x509.CertPool
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
	if cfg.RootCAs != nil {
		opts.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			c := tr.TLSClientConfig.Clone()
			if c == nil {
				c = &tls.Config{MinVersion: tls.VersionTLS12}
			}
			c.RootCAs = cfg.RootCAs
			tr.TLSClientConfig = c
		})
	}
	return s3.New(opts), nil
}

package source

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/ferryhq/ferry/internal/s3store"
	"github.com/ferryhq/ferry/internal/ssrf"
)

// S3Object names an object and the credentials to read it, for this import
// only.
type S3Object struct {
	Region          string `json:"region"`
	Bucket          string `json:"bucket_name"`
	Key             string `json:"file_key"`
	AccessKeyID     string `json:"access_key_id"`
	SecretAccessKey string `json:"secret_access_key"`
}

// S3 is where remote-import-s3 reads objects: an S3-compatible endpoint
// (path-style; empty means AWS's regional endpoints) and the roots trusted
// for it (nil: the system's).
type S3 struct {
	Endpoint string
	RootCAs  *x509.CertPool
	// Timeouts bound a download: Read is how long the store may take to
	// answer and to send each next piece of the object (zero fields:
	// ssrf.DefaultTimeouts).
	Timeouts ssrf.Timeouts
}

func (s S3) client(o S3Object) (*s3.Client, error) {
	return s3store.NewClient(s3store.Config{Endpoint: s.Endpoint, Region: o.Region,
		AccessKeyID: o.AccessKeyID, SecretAccessKey: o.SecretAccessKey, RootCAs: s.RootCAs})
}

// Check checks the object exists (HeadObject with the given credentials)
// and that its size and type are an archive's, with GitLab's messages.
func (s S3) Check(ctx context.Context, o S3Object, maxBytes int64) error {
	if !s3store.ValidRegion(o.Region) {
		return fail("Failed to open '%s' in '%s': region '%s' is not valid", o.Key, o.Bucket, o.Region)
	}
	c, err := s.client(o)
	if err != nil {
		return fail("Failed to open '%s' in '%s': %s", o.Key, o.Bucket, err)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(o.Key)})
	if err != nil {
		if notFound(err) {
			return fail("File not found '%s' in '%s'", o.Key, o.Bucket)
		}
		return fail("Failed to open '%s' in '%s': %s", o.Key, o.Bucket, sdkMessage(err))
	}
	return checkHeaders(aws.ToInt64(head.ContentLength), aws.ToString(head.ContentType), maxBytes)
}

// Download streams the object into f, refusing more than maxBytes. A
// missing object or one over maxBytes is an error with a Permanent method
// that returns true.
func (s S3) Download(ctx context.Context, o S3Object, f io.Writer, maxBytes int64) error {
	c, err := s.client(o)
	if err != nil {
		return err
	}
	read := s.Timeouts.OrDefault().Read
	watch := ssrf.NewWatch(ctx)
	defer watch.Stop()
	watch.Expect("download: the object store sent no answer", read)
	out, err := c.GetObject(watch.Context(), &s3.GetObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(o.Key)})
	if err != nil {
		msg := fmt.Errorf("Failed to open '%s' in '%s': %s", o.Key, o.Bucket, sdkMessage(watch.Stalled(err)))
		if notFound(err) {
			return final(msg)
		}
		return msg
	}
	defer out.Body.Close()
	announced := int64(-1)
	if out.ContentLength != nil {
		announced = *out.ContentLength
	}
	watch.Expect("download: the object store sent no data", read)
	return watch.Stalled(copyLimited(f, watch.Reader(out.Body), announced, maxBytes))
}

func notFound(err error) bool {
	var nf *types.NotFound
	var nsk *types.NoSuchKey
	var api smithy.APIError
	return errors.As(err, &nf) || errors.As(err, &nsk) ||
		errors.As(err, &api) && (api.ErrorCode() == "NotFound" || api.ErrorCode() == "NoSuchKey")
}

// sdkMessage is the SDK's error without request details.
func sdkMessage(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		if msg := api.ErrorMessage(); msg != "" {
			return msg
		}
		return api.ErrorCode()
	}
	return err.Error()
}

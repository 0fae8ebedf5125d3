// Package s3blob keeps Ferry's blobs in an S3-compatible object store
// (FERRY_BLOBS_URL=s3://bucket/prefix?endpoint=...&region=...), so that
// several Ferry processes share archives, uploads and LFS objects. A blob
// is spooled to a local file while it is written and sent on Commit (one
// PUT, or a multipart upload above PartSize), so an unfinished write never
// shows in the bucket; reads are ranged GETs, so HTTP Range downloads and
// seeks work (downloads are streamed through Ferry, so clients need no
// access to the bucket).
package s3blob

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/s3store"
)

// PartSize is the size of one part of a multipart upload; blobs up to it
// go in a single PUT. With S3's 10,000 parts, a blob may reach 640 GiB.
const PartSize = 64 << 20

// Store is a bucket (and a key prefix) used as a blob.Store.
type Store struct {
	client *s3.Client
	bucket string
	prefix string
	// TempDir holds blobs being written.
	TempDir string
	// PartSize overrides the default PartSize (S3's minimum is 5 MiB).
	PartSize int64
}

func (s *Store) partSize() int64 {
	if s.PartSize > 0 {
		return s.PartSize
	}
	return PartSize
}

// Options are how Open reaches the bucket and where it spools.
type Options struct {
	AccessKeyID     string
	SecretAccessKey string
	// RootCAs are the roots trusted for an https endpoint (nil: the
	// system's).
	RootCAs *x509.CertPool
	// TempDir holds blobs being written.
	TempDir string
}

// Open parses raw ("s3://bucket/prefix?endpoint=http://host:port&region=r")
// and returns the store reached as opts say. Returns an error for a
// malformed URL.
func Open(raw string, opts Options) (*Store, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, fmt.Errorf("blobs URL %q: want s3://bucket/prefix?endpoint=...&region=...", raw)
	}
	q := u.Query()
	region := q.Get("region")
	if region == "" {
		region = "us-east-1"
	}
	cfg := s3store.Config{Endpoint: q.Get("endpoint"), Region: region,
		AccessKeyID: opts.AccessKeyID, SecretAccessKey: opts.SecretAccessKey, RootCAs: opts.RootCAs}
	client, err := s3store.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	return &Store{client: client, bucket: u.Host,
		prefix: strings.Trim(u.Path, "/"), TempDir: opts.TempDir}, nil
}

func (s *Store) key(k string) string {
	if s.prefix == "" {
		return k
	}
	return s.prefix + "/" + k
}

// Create spools the blob to a temporary file; Commit sends it.
func (s *Store) Create(ctx context.Context, key string) (blob.Writer, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(s.TempDir, "s3blob-*")
	if err != nil {
		return nil, fmt.Errorf("spool blob %s: %w", key, err)
	}
	return &writer{s: s, ctx: ctx, key: s.key(key), f: f}, nil
}

// Open returns the object, read by ranged GETs.
func (s *Store) Open(ctx context.Context, key string) (blob.Object, error) {
	if err := blob.CheckKey(key); err != nil {
		return nil, err
	}
	head, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: aws.String(s.key(key))})
	if err != nil {
		if isNotFound(err) {
			return nil, fmt.Errorf("blob %s: %w", key, blob.ErrNotFound)
		}
		return nil, fmt.Errorf("open blob %s: %w", key, err)
	}
	return &object{s: s, ctx: ctx, key: s.key(key), size: aws.ToInt64(head.ContentLength),
		mod: aws.ToTime(head.LastModified)}, nil
}

// Delete removes key.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: aws.String(s.key(key))})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("delete blob %s: %w", key, err)
	}
	return nil
}

// DeletePrefix removes every object under prefix/.
func (s *Store) DeletePrefix(ctx context.Context, prefix string) error {
	return s.List(ctx, prefix, func(rel string, _ int64) error {
		return s.Delete(ctx, prefix+"/"+rel)
	})
}

// List lists the objects under prefix/ (or the object named prefix) in key
// order.
func (s *Store) List(ctx context.Context, prefix string, fn func(rel string, size int64) error) error {
	if err := blob.CheckKey(prefix); err != nil {
		return err
	}
	full := s.key(prefix)
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: aws.String(full)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list blobs %s: %w", prefix, err)
		}
		for _, o := range page.Contents {
			k := aws.ToString(o.Key)
			rel, ok := strings.CutPrefix(k, full+"/")
			if k == full {
				rel, ok = ".", true
			}
			if !ok {
				continue
			}
			if err := fn(rel, aws.ToInt64(o.Size)); err != nil {
				return err
			}
		}
	}
	return nil
}

func isNotFound(err error) bool {
	var nf *types.NotFound
	var nsk *types.NoSuchKey
	return errors.As(err, &nf) || errors.As(err, &nsk)
}

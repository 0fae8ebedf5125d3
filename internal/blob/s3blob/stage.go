package s3blob

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ferryhq/ferry/internal/blob"
)

// PutFile sends the file at path to key with contentType (as Commit
// sends a blob, without spooling a copy), telling sent, if set, the bytes
// sent so far.
func (s *Store) PutFile(ctx context.Context, key, path, contentType string, sent func(done, total int64)) error {
	if err := blob.CheckKey(key); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if err := s.put(ctx, s.key(key), f, info.Size(), contentType, sent); err != nil {
		return fmt.Errorf("store %s in bucket %s: %w", key, s.bucket, err)
	}
	return nil
}

// PresignGet is a pre-signed URL that GETs key for expires: whoever holds
// it reads the object without credentials, so it is handed to no one but
// the server that downloads it, and never logged.
func (s *Store) PresignGet(ctx context.Context, key string, expires time.Duration) (string, error) {
	if err := blob.CheckKey(key); err != nil {
		return "", err
	}
	req, err := s3.NewPresignClient(s.client).PresignGetObject(ctx,
		&s3.GetObjectInput{Bucket: &s.bucket, Key: aws.String(s.key(key))}, s3.WithPresignExpires(expires))
	if err != nil {
		return "", fmt.Errorf("pre-sign %s in bucket %s: %w", key, s.bucket, err)
	}
	return req.URL, nil
}

// Where names key for people: s3://bucket/prefix/key.
func (s *Store) Where(key string) string { return "s3://" + s.bucket + "/" + s.key(key) }

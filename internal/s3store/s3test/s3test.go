// Package s3test gives tests a real S3-compatible server: the one .ci/run
// starts on loopback (versitygw), named by FERRY_TEST_S3_ENDPOINT,
// FERRY_TEST_S3_ACCESS_KEY and FERRY_TEST_S3_SECRET_KEY. Each test gets a
// bucket of its own. Without the server a test is skipped with a message,
// unless FERRY_TEST_S3_REQUIRED is set (as .ci/run sets it), when it fails.
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ferryhq/ferry/internal/s3store"
)

// Region is the region tests use.
const Region = "us-east-1"

// Server is the test's view of the object store.
type Server struct {
	Endpoint  string
	AccessKey string
	SecretKey string
	Bucket    string
	Client    *s3.Client
	Presign   *s3.PresignClient
}

// Start returns the object store with a fresh bucket for t.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{Endpoint: os.Getenv("FERRY_TEST_S3_ENDPOINT"), AccessKey: os.Getenv("FERRY_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("FERRY_TEST_S3_SECRET_KEY")}
	if s.Endpoint == "" {
		msg := "no S3-compatible server: set FERRY_TEST_S3_ENDPOINT (.ci/run starts versitygw on 127.0.0.1)"
		if os.Getenv("FERRY_TEST_S3_REQUIRED") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	c, err := s3store.NewClient(s3store.Config{Endpoint: s.Endpoint, Region: Region,
		AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	s.Client, s.Presign = c, s3.NewPresignClient(c)
	s.Bucket = "test-" + strings.ToLower(rand.Text()[:12])
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(s.Bucket)}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return s
}

// Put stores body under key with contentType.
func (s *Server) Put(t testing.TB, key, contentType string, body []byte) {
	t.Helper()
	_, err := s.Client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(s.Bucket),
		Key: aws.String(key), Body: bytes.NewReader(body), ContentType: aws.String(contentType)})
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

// Package s3test gives tests a real S3-compatible server: the one .ci/run
// starts on loopback (versitygw), named by FERRY_TEST_S3_ENDPOINT,
// FERRY_TEST_S3_ACCESS_KEY and FERRY_TEST_S3_SECRET_KEY, with
// FERRY_TEST_S3_CA_FILE naming the throwaway CA of its certificate when it
// serves https (.ci/run makes one with ./internal/s3store/s3test/certgen).
// Each test gets a bucket of its own. Without the server a test is skipped with a message,
// unless FERRY_TEST_S3_REQUIRED is set (as .ci/run sets it), when it fails.
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ferryhq/ferry/internal/blob/s3blob"
	"github.com/ferryhq/ferry/internal/s3store"
	"github.com/ferryhq/ferry/internal/testenv"
	"github.com/ferryhq/ferry/internal/trust"
)

// Region is the region tests use.
const Region = "us-east-1"

// Server is the test's view of the object store.
type Server struct {
	Endpoint  string
	AccessKey string
	SecretKey string
	// CAFile is the PEM file of the CA that signed the server's
	// certificate ("" for plain http): give it to Ferry as its extra CA
	// file. Roots trust it (nil without one).
	CAFile  string
	Roots   *x509.CertPool
	Bucket  string
	Client  *s3.Client
	Presign *s3.PresignClient
}

// Start returns the object store with a fresh bucket for t.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{Endpoint: os.Getenv("FERRY_TEST_S3_ENDPOINT"), AccessKey: os.Getenv("FERRY_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("FERRY_TEST_S3_SECRET_KEY")}
	if s.Endpoint == "" {
		missing(t, "set FERRY_TEST_S3_ENDPOINT (.ci/run starts versitygw on 127.0.0.1)")
	}
	s.CAFile = os.Getenv("FERRY_TEST_S3_CA_FILE")
	roots, err := trust.Roots(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	s.Roots = roots
	c, err := s3store.NewClient(s3store.Config{Endpoint: s.Endpoint, Region: Region,
		AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey, RootCAs: roots})
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

// NeedHTTPS stops t unless the server speaks https, as remote-import
// needs (its URLs are https only): t is skipped, or fails when
// FERRY_TEST_S3_REQUIRED is set.
func (s *Server) NeedHTTPS(t testing.TB) {
	t.Helper()
	if !strings.HasPrefix(s.Endpoint, "https://") {
		missing(t, "the S3-compatible server is not on https: start it with a certificate and name its CA in "+
			"FERRY_TEST_S3_CA_FILE (.ci/run does)")
	}
}

// missing skips t for want of a server, or fails it when real parts are
// required (testenv).
func missing(t testing.TB, msg string) {
	t.Helper()
	testenv.Missing(t, "an S3-compatible server", msg)
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

// BlobOptions are the options that open a blob store on this server
// (s3blob.Open), spooling in tempDir.
func (s *Server) BlobOptions(tempDir string) s3blob.Options {
	return s3blob.Options{AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey, RootCAs: s.Roots, TempDir: tempDir}
}

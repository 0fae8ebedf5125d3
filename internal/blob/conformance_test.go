package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ferryhq/ferry/internal/blob"
	"github.com/ferryhq/ferry/internal/blob/s3blob"
	"github.com/ferryhq/ferry/internal/s3store/s3test"
)

// stores returns every blob.Store kind for the same tests: the local
// folder, and a bucket of the loopback S3 server (skipped without one).
func stores(t *testing.T) map[string]func(t *testing.T) blob.Store {
	return map[string]func(t *testing.T) blob.Store{
		"Local": func(t *testing.T) blob.Store { return &blob.Local{Root: t.TempDir()} },
		"S3": func(t *testing.T) blob.Store {
			srv := s3test.Start(t)
			s, err := s3blob.Open("s3://"+srv.Bucket+"/ferry?region="+s3test.Region+"&endpoint="+srv.Endpoint,
				srv.BlobOptions(t.TempDir()))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
}

func TestStore_Conformance(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx, s := context.Background(), open(t)
			data := bytes.Repeat([]byte("0123456789"), 1000)
			w, err := s.Create(ctx, "exports/1/2/a.tar.gz")
			if err != nil {
				t.Fatal(err)
			}
			w.Write(data)
			if _, err := s.Open(ctx, "exports/1/2/a.tar.gz"); !errors.Is(err, blob.ErrNotFound) {
				t.Fatalf("visible before Commit: %v", err)
			}
			if err := w.Commit(); err != nil {
				t.Fatal(err)
			}
			o, err := s.Open(ctx, "exports/1/2/a.tar.gz")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := o.Seek(9990, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			tail, _ := io.ReadAll(o)
			o.Close()
			if o.Size() != int64(len(data)) || string(tail) != "0123456789" {
				t.Errorf("size %d, tail %q", o.Size(), tail)
			}
			aborted, _ := s.Create(ctx, "exports/1/3/b")
			aborted.Write([]byte("x"))
			aborted.Abort()
			for _, k := range []string{"uploads/1/abc/x.png", "uploads/1/def/y.png", "uploads/2/z"} {
				w, _ := s.Create(ctx, k)
				w.Write([]byte(k))
				if err := w.Commit(); err != nil {
					t.Fatal(err)
				}
			}
			var listed []string
			s.List(ctx, "uploads/1", func(rel string, size int64) error {
				listed = append(listed, rel)
				return nil
			})
			if strings.Join(listed, ",") != "abc/x.png,def/y.png" {
				t.Errorf("listed %v", listed)
			}
			if err := s.DeletePrefix(ctx, "uploads/1"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Open(ctx, "uploads/1/abc/x.png"); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("after DeletePrefix: %v", err)
			}
			if _, err := s.Open(ctx, "uploads/2/z"); err != nil {
				t.Errorf("DeletePrefix removed another prefix: %v", err)
			}
			if _, err := s.Open(ctx, "exports/1/3/b"); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("aborted blob: %v", err)
			}
			if err := s.Delete(ctx, "exports/1/2/a.tar.gz"); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, "exports/1/2/a.tar.gz"); err != nil {
				t.Errorf("delete twice: %v", err)
			}
		})
	}
}

// TestS3_MultipartCommit pins that a blob larger than a part goes up as a
// multipart upload and reads back whole.
func TestS3_MultipartCommit(t *testing.T) {
	srv := s3test.Start(t)
	s, err := s3blob.Open("s3://"+srv.Bucket+"?endpoint="+srv.Endpoint, srv.BlobOptions(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	s.PartSize = 5 << 20
	ctx := context.Background()
	data := make([]byte, 11<<20+123)
	for i := range data {
		data[i] = byte(i * 31)
	}
	w, _ := s.Create(ctx, "big")
	w.Write(data)
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	o, err := s.Open(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	got, _ := io.ReadAll(o)
	if !bytes.Equal(got, data) {
		t.Errorf("read back %d bytes, want %d", len(got), len(data))
	}
}

// TestS3_AbortUploadsBefore pins the sweep of the multipart uploads a
// crash leaves: those under the store's prefix started before the cut-off
// are aborted; younger ones and other prefixes' are kept.
func TestS3_AbortUploadsBefore(t *testing.T) {
	srv := s3test.Start(t)
	s, err := s3blob.Open("s3://"+srv.Bucket+"/ferry?endpoint="+srv.Endpoint, srv.BlobOptions(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, key := range []string{"ferry/exports/1/2/a.tar.gz", "ferry-other/x", "other/y"} {
		if _, err := srv.Client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &srv.Bucket,
			Key: aws.String(key)}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.AbortUploadsBefore(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("with a cut-off before them: aborted %d (%v), want 0", n, err)
	}
	if n, err := s.AbortUploadsBefore(ctx, time.Now().Add(time.Minute)); err != nil || n != 1 {
		t.Errorf("aborted %d (%v), want 1", n, err)
	}
	out, err := srv.Client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &srv.Bucket})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, up := range out.Uploads {
		left = append(left, aws.ToString(up.Key))
	}
	if got := strings.Join(left, ","); got != "ferry-other/x,other/y" {
		t.Errorf("uploads left: %s", got)
	}
}

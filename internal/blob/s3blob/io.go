package s3blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

type writer struct {
	s    *Store
	ctx  context.Context
	key  string
	f    *os.File
	done bool
}

func (w *writer) Write(p []byte) (int, error) { return w.f.Write(p) }

// Commit sends the spooled blob: one PUT up to PartSize, a multipart
// upload above it.
func (w *writer) Commit() error {
	if w.done {
		return errors.New("blob already committed or aborted")
	}
	w.done = true
	defer os.Remove(w.f.Name())
	defer w.f.Close()
	size, err := w.f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	if err := w.s.put(w.ctx, w.key, w.f, size, "", nil); err != nil {
		return fmt.Errorf("store blob %s: %w", w.key, err)
	}
	return nil
}

// put sends size bytes of f to the bucket's key, with contentType unless
// empty: one PUT up to PartSize, a multipart upload above it (aborted
// when a part fails). sent, if set, is told the bytes sent after each
// part.
func (s *Store) put(ctx context.Context, key string, f io.ReaderAt, size int64, contentType string, sent func(done, total int64)) error {
	var ct *string
	if contentType != "" {
		ct = &contentType
	}
	if sent == nil {
		sent = func(int64, int64) {}
	}
	if size <= s.partSize() {
		_, err := s.client.PutObject(ctx, &s3.PutObjectInput{Bucket: &s.bucket, Key: &key,
			Body: io.NewSectionReader(f, 0, size), ContentLength: aws.Int64(size), ContentType: ct})
		if err == nil {
			sent(size, size)
		}
		return err
	}
	c := s.client
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &s.bucket, Key: &key, ContentType: ct})
	if err != nil {
		return err
	}
	abort := func() {
		_, _ = c.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{
			Bucket: &s.bucket, Key: &key, UploadId: up.UploadId})
	}
	var parts []types.CompletedPart
	part := s.partSize()
	for n, off := int32(1), int64(0); off < size; n, off = n+1, off+part {
		length := min(part, size-off)
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &s.bucket, Key: &key, UploadId: up.UploadId,
			PartNumber: aws.Int32(n), Body: io.NewSectionReader(f, off, length), ContentLength: aws.Int64(length)})
		if err != nil {
			abort()
			return err
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n)})
		sent(off+length, size)
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &s.bucket, Key: &key,
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	if err != nil {
		abort()
	}
	return err
}

func (w *writer) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.f.Close()
	return os.Remove(w.f.Name())
}

// object reads an S3 object with ranged GETs from the current offset.
type object struct {
	s    *Store
	ctx  context.Context
	key  string
	size int64
	mod  time.Time
	off  int64
	body io.ReadCloser
}

func (o *object) Size() int64        { return o.size }
func (o *object) ModTime() time.Time { return o.mod }

func (o *object) Read(p []byte) (int, error) {
	if o.off >= o.size {
		return 0, io.EOF
	}
	if o.body == nil {
		out, err := o.s.client.GetObject(o.ctx, &s3.GetObjectInput{Bucket: &o.s.bucket, Key: &o.key,
			Range: aws.String(fmt.Sprintf("bytes=%d-", o.off))})
		if err != nil {
			return 0, fmt.Errorf("read blob %s: %w", o.key, err)
		}
		o.body = out.Body
	}
	n, err := o.body.Read(p)
	o.off += int64(n)
	if err == io.EOF && o.off < o.size {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (o *object) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = o.off + offset
	case io.SeekEnd:
		abs = o.size + offset
	}
	if abs < 0 {
		return 0, errors.New("seek before the start")
	}
	if abs != o.off && o.body != nil {
		o.body.Close()
		o.body = nil
	}
	o.off = abs
	return abs, nil
}

func (o *object) Close() error {
	if o.body != nil {
		return o.body.Close()
	}
	return nil
}

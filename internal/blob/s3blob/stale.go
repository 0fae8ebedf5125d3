package s3blob

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// AbortUploadsBefore aborts the unfinished multipart uploads under the
// store's prefix that were started before t: a process that died during a
// Commit leaves one, and the bucket keeps (and bills) its parts until it
// is aborted. It returns how many it aborted; it stops at the first
// error.
func (s *Store) AbortUploadsBefore(ctx context.Context, t time.Time) (int, error) {
	pages := s3.NewListMultipartUploadsPaginator(s.client, &s3.ListMultipartUploadsInput{Bucket: &s.bucket,
		Prefix: aws.String(s.key(""))})
	n := 0
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return n, fmt.Errorf("list multipart uploads: %w", err)
		}
		for _, up := range page.Uploads {
			if up.Initiated == nil || !up.Initiated.Before(t) {
				continue
			}
			_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &s.bucket,
				Key: up.Key, UploadId: up.UploadId})
			if err != nil && !isNotFound(err) {
				return n, fmt.Errorf("abort multipart upload of %s: %w", aws.ToString(up.Key), err)
			}
			n++
		}
	}
	return n, nil
}

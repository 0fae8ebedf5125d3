package source

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/ferryhq/ferry"
	"github.com/ferryhq/ferry/internal/secret"
	"github.com/ferryhq/ferry/internal/ssrf"
)

// URLFetcher downloads a remote-import's archive for the import job. The
// URL is stored sealed in the import's SourceData.
type URLFetcher struct {
	Box *secret.Box
	// Policy is the outbound policy in force (it follows the settings).
	Policy func(ctx context.Context) (ssrf.Policy, error)
}

// Fetch implements importer.Fetcher.
func (u *URLFetcher) Fetch(ctx context.Context, im ferry.Import, f io.Writer, maxBytes int64) error {
	raw, err := u.Box.Open(im.SourceData)
	if err != nil {
		return fmt.Errorf("import source: %w", err)
	}
	policy, err := u.Policy(ctx)
	if err != nil {
		return err
	}
	return Download(ctx, policy, raw, f, maxBytes)
}

// S3Fetcher downloads a remote-import-s3's object; the object and its
// credentials are stored sealed in the import's SourceData.
type S3Fetcher struct {
	Box *secret.Box
	S3  S3
}

// SealS3 seals an S3 source for storage.
func SealS3(box *secret.Box, o S3Object) string {
	b, _ := json.Marshal(o)
	return box.Seal(string(b))
}

// Fetch implements importer.Fetcher.
func (s *S3Fetcher) Fetch(ctx context.Context, im ferry.Import, f io.Writer, maxBytes int64) error {
	raw, err := s.Box.Open(im.SourceData)
	if err != nil {
		return fmt.Errorf("import source: %w", err)
	}
	var o S3Object
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		return fmt.Errorf("import source: %w", err)
	}
	return s.S3.Download(ctx, o, f, maxBytes)
}

package migrate

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"time"

	"github.com/ferryhq/ferry/internal/blob/s3blob"
)

// Stager puts an archive where the target can download it, for
// remote-import.
type Stager interface {
	// Stage stores the archive at file, telling sent its progress.
	Stage(ctx context.Context, file string, sent func(done, total int64)) (Staged, error)
}

// Staged is an archive a Stager stored.
type Staged struct {
	// URL is the https URL the target GETs it from (a secret: never
	// logged).
	URL string
	// Where names it for people (s3://bucket/key).
	Where string
	// Remove deletes it.
	Remove func(context.Context) error
}

// S3Stage stages archives in an S3 bucket (under the store's prefix,
// each at a random key) and hands the target a pre-signed GET URL valid
// for Expires: the target needs no credentials, and the object is
// deleted once the import ended.
type S3Stage struct {
	Store   *s3blob.Store
	Expires time.Duration
}

// Stage uploads file and pre-signs its URL.
func (s S3Stage) Stage(ctx context.Context, file string, sent func(done, total int64)) (Staged, error) {
	key := "ferry-migrate-" + rand.Text() + "/" + filepath.Base(file)
	st := Staged{Where: s.Store.Where(key), Remove: func(ctx context.Context) error { return s.Store.Delete(ctx, key) }}
	if err := s.Store.PutFile(ctx, key, file, "application/gzip", sent); err != nil {
		_ = st.Remove(context.WithoutCancel(ctx)) // a multipart upload is aborted already; a PUT leaves nothing
		return Staged{}, err
	}
	url, err := s.Store.PresignGet(ctx, key, s.Expires)
	if err != nil {
		_ = st.Remove(context.WithoutCancel(ctx))
		return Staged{}, err
	}
	st.URL = url
	return st, nil
}

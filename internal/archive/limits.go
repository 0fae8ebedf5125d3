package archive

import (
	"context"
	"io"
)

// Fixed limits of the reader. They bound what a hostile archive can make
// Ferry do; per-import settings (see Limits) can only tighten them.
const (
	// MaxEntries is the most tar entries (files, directories and skipped
	// entries alike) an archive may hold.
	MaxEntries = 1_000_000

	// MaxNameLength is the longest entry name accepted, in bytes, as it
	// appears in the archive (after PAX/GNU long-name records are applied).
	MaxNameLength = 1024

	// MaxJSONLine is the largest single JSON document accepted: one line of
	// an NDJSON relation file, or one element (or attribute value) of a
	// legacy project.json. It is GitLab's MAX_JSON_DOCUMENT_SIZE.
	MaxJSONLine = 50 << 20

	// MaxProjectJSON caps tree/project.json, and the total size of the
	// attributes (non-relation values) collected from a legacy project.json.
	MaxProjectJSON = 50 << 20
)

// Limits is the per-import configuration of Extract.
type Limits struct {
	// MaxDecompressed caps the size of the decompressed stream (the whole
	// tar stream: headers, padding and file data), in bytes. 0 means
	// unlimited. GitLab's setting max_decompressed_archive_size is in MiB:
	// multiply by 1<<20.
	MaxDecompressed int64

	// MaxEntries caps the number of tar entries. 0, or a value above the
	// package constant MaxEntries, means MaxEntries.
	MaxEntries int
}

// maxEntries returns the effective entry limit.
func (l Limits) maxEntries() int {
	if l.MaxEntries <= 0 || l.MaxEntries > MaxEntries {
		return MaxEntries
	}
	return l.MaxEntries
}

// countReader counts the decompressed bytes, enforcing the size limit,
// and checks ctx on every read.
type countReader struct {
	ctx context.Context
	r   io.Reader
	n   int64
	max int64 // 0: unlimited
}

func (c *countReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.max > 0 && c.n > c.max {
		return n, ErrTooLarge
	}
	return n, err
}

package migrate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ferryhq/ferry/internal/archive"
)

// groupTree is where GitLab's group archive keeps its groups:
// _all.ndjson (the group ids, the top group first), <id>.json (a group's
// attributes) and <id>/<relation>.ndjson (its records).
const groupTree = "tree/groups"

// ErrNotGroupArchive is returned when an archive is not a group export
// archive.
var ErrNotGroupArchive = errors.New("not a group export archive")

// countGroupRecords extracts the group archive at file into a folder in
// dir (with the archive codec's checks and limits), and counts its
// groups ("groups") and the records of each relation, over all its
// groups. An archive in the legacy layout (one group.json) gives no
// counts; one with neither layout is ErrNotGroupArchive.
func countGroupRecords(ctx context.Context, file, dir string) (map[string]int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	work, err := os.MkdirTemp(dir, ".ferry-check-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	m, err := archive.Extract(ctx, f, work, archive.Limits{})
	if err != nil {
		return nil, fmt.Errorf("the group archive would not import: %w", err)
	}
	switch {
	case hasEntry(m, groupTree+"/_all.ndjson"):
		return countGroupTree(filepath.Join(work, groupTree))
	case hasEntry(m, "group.json"):
		return map[string]int64{}, nil
	}
	return nil, fmt.Errorf("%w: it has neither %s/_all.ndjson nor group.json", ErrNotGroupArchive, groupTree)
}

func hasEntry(m archive.Manifest, p string) bool {
	_, ok := m.Lookup(p)
	return ok
}

// countGroupTree counts the records under an extracted tree/groups.
func countGroupTree(tree string) (map[string]int64, error) {
	counts := map[string]int64{}
	n, err := countLines(filepath.Join(tree, "_all.ndjson"))
	if err != nil {
		return nil, err
	}
	counts["groups"] = n
	err = filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Dir(p) == tree {
			return err
		}
		rel, ok := strings.CutSuffix(d.Name(), ".ndjson")
		if !ok || filepath.Dir(filepath.Dir(p)) != tree {
			return nil
		}
		n, err := countLines(p)
		counts[rel] += n
		return err
	})
	return counts, err
}

// countLines counts the lines of file that hold more than blanks (the
// records of an NDJSON file), reading it a piece at a time.
func countLines(file string) (int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var n int64
	blank := true
	r := bufio.NewReaderSize(f, 64<<10)
	for {
		piece, err := r.ReadSlice('\n')
		if len(bytes.TrimSpace(piece)) > 0 {
			blank = false
		}
		if len(piece) > 0 && piece[len(piece)-1] == '\n' || err == io.EOF {
			if !blank {
				n++
			}
			blank = true
		}
		switch {
		case err == io.EOF:
			return n, nil
		case err != nil && !errors.Is(err, bufio.ErrBufferFull):
			return n, err
		}
	}
}
